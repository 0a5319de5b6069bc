import { budgetOf, createHost, nodeOnHost, removeHost, throttling } from '../../cluster/hosts.js';
import { isHosts, isMachines, type Topology } from '../../cluster/layout.js';
import { machineWorkers } from './machine-workers.js';
import { declarePlacement } from '../../cluster/placement-plan.js';
// The cluster's kinds declared beside the client's own hosts, before any host is made.
import '../../cluster/registry.js';
import type { WorkerLaunch } from './coordinator.js';

/** The load client's hosts: one per worker, with what a 2/2/2/2 topology leaves of two cores. */
declarePlacement({
  name: 'client',
  maxInstances: 64,
  host: { block: 100, code: 'cl', cpu: 0.5, memoryBytes: 1024 * 2 ** 20 },
  ports: {},
});

/** The load client's own host budget and how often it held the client back (host placement). */
export interface ClientHeadroom {
  cores: number;
  /** Share of the CPU periods, warm-up included, in which a client host used its whole quota. */
  throttled_pct: number;
}

/**
 * Runs `work` with the load's workers placed like any other component: against a cluster on
 * simulated hosts, worker w runs on client host w (its own namespace and quota, the cluster's
 * network); against one on machines with a `load` group, on those machines over SSH; on
 * loopback, as plain child processes. The client hosts are removed afterwards; what
 * their quota cost the client is returned beside the result.
 */
export async function withClientHosts<T>(
  topology: Topology | undefined,
  workers: number,
  work: (launch: ((worker: number) => WorkerLaunch) | undefined, cores: number | undefined) => Promise<T>,
): Promise<{ result: T; client?: ClientHeadroom }> {
  if (topology && isMachines(topology) && topology.machines.load.length > 0)
    return { result: await work(await machineWorkers(topology, workers), undefined) };
  if (!topology || !isHosts(topology)) return { result: await work(undefined, undefined) };
  const made: number[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      await createHost(topology, 'client', w);
      made.push(w);
    }
    const cores = budgetOf(topology, 'client').cpu;
    const result = await work((w) => nodeOnHost(topology, 'client', w), cores);
    const stats = await Promise.all(made.map((w) => throttling(topology, 'client', w)));
    const periods = stats.reduce((n, s) => n + s.periods, 0);
    const throttled = stats.reduce((n, s) => n + s.throttled, 0);
    return {
      result,
      client: { cores, throttled_pct: periods ? Math.round((throttled / periods) * 1000) / 10 : 0 },
    };
  } finally {
    for (const w of made) await removeHost(topology, 'client', w);
  }
}
