import { tmpdir } from 'node:os';
import { createNetwork, removeNetwork } from '../../cluster/hosts.js';
import { hostNetwork, isMachines, type Topology } from '../../cluster/layout.js';
import { reachMachines } from '../../cluster/machines/machine-setup.js';
import { machineWorkers } from './machine-workers.js';
import { startStubStore } from './stub-store.js';
import { runLoad, type WorkerLaunch } from './coordinator.js';
import type { LoadResult } from './summary.js';
import { loadScenario } from './scenario.js';
import { withClientHosts, type ClientHeadroom } from './client-hosts.js';

/** What one load client worker can send when the store costs nothing. */
export interface ClientCapacity {
  /** Requests per second against an instant stub store. */
  rps: number;
  mean_ms: number;
  errors: number;
  /** On a client host of its own: its quota and how often the quota held it back. */
  client?: ClientHeadroom;
  /** Where the worker ran: this machine, a client host, or a load machine's inventory name. */
  where?: string;
}

export interface CapacityOptions {
  users: number;
  durationMs: number;
  /**
   * Run the worker on a simulated client host (its own namespace and the same CPU quota the bench
   * gives the client), on a network of its own named after this base port; absent: unconfined.
   */
  hostsBasePort?: number;
  /**
   * Run the worker on the first load machine of this cluster on machines instead (the stub store
   * listens here, at the address the machines reach this one at).
   */
  machines?: Topology;
}

/**
 * The load client's own ceiling: one worker, the shopaholic scenario, against a store that answers
 * at once. A cluster that serves close to this figure is measuring the client, not itself.
 */
export async function measureClientCapacity(options: CapacityOptions): Promise<ClientCapacity> {
  if (options.machines) return capacityOnMachine(options, options.machines);
  const topology: Topology | undefined =
    options.hostsBasePort === undefined
      ? undefined
      : {
          counts: {},
          mode: 'native',
          basePort: options.hostsBasePort,
          dir: tmpdir(),
          seedProducts: 0,
          placement: 'hosts',
        };
  if (topology) await createNetwork(topology);
  try {
    const stub = await startStubStore(topology ? hostNetwork(topology).gateway : '127.0.0.1');
    try {
      const { result, client } = await withClientHosts(topology, 1, (launchWorker) =>
        oneWorkerAgainst(stub.url, options, launchWorker),
      );
      return {
        rps: result.totals.rps,
        mean_ms: result.totals.mean_ms,
        errors: result.totals.errors,
        ...(client ? { client } : {}),
      };
    } finally {
      await stub.close();
    }
  } finally {
    if (topology) await removeNetwork(topology);
  }
}

/** One worker on the first load machine against a stub store here: the client and its network. */
async function capacityOnMachine(options: CapacityOptions, t: Topology): Promise<ClientCapacity> {
  if (!isMachines(t)) throw new Error('capacity on a machine needs a cluster on machines');
  const control = await reachMachines({ ...t, machines: { ...t.machines, assigned: {} } });
  const stub = await startStubStore(control);
  try {
    const launch = await machineWorkers(t, 1);
    const result = await oneWorkerAgainst(stub.url, options, launch);
    return {
      rps: result.totals.rps,
      mean_ms: result.totals.mean_ms,
      errors: result.totals.errors,
      where: launch(0).where ?? t.machines.load[0]!,
    };
  } finally {
    await stub.close();
  }
}

/** One worker of closed shopaholics against the stub store, wherever `launchWorker` puts it. */
async function oneWorkerAgainst(
  url: string,
  options: CapacityOptions,
  launchWorker?: (worker: number) => WorkerLaunch,
): Promise<LoadResult> {
  return runLoad({
    targets: [url],
    model: { type: 'closed', users: options.users, think_ms: 0 },
    scenario: await loadScenario('shopaholic'),
    warmupMs: 2000,
    durationMs: options.durationMs,
    workers: 1,
    seed: 1,
    adminPassword: 'not-checked-by-the-stub',
    ...(launchWorker ? { launchWorker } : {}),
  });
}
