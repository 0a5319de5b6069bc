import type { MachinePlan, Topology } from '../../cluster/layout.js';
import { linkTo } from '../../cluster/machines/ssh-link.js';
import { shipBundle } from '../../cluster/machines/bundle.js';
import { STDIO_TRANSPORT_ENV } from './worker-protocol.js';
import type { WorkerLaunch } from './coordinator.js';

/**
 * The load's workers on the inventory's `load` machines, in turn (worker w on machine w mod n):
 * each gets the bundle (sent once per hash), and runs as a command over SSH that speaks JSON lines
 * to the coordinator here, which merges their histograms.
 */
export async function machineWorkers(
  t: Topology & { machines: MachinePlan },
  workers: number,
): Promise<(worker: number) => WorkerLaunch> {
  const load = t.machines.load.map((name) => t.machines.hosts[name]!);
  const used = load.slice(0, Math.min(workers, load.length));
  const folders = await Promise.all(
    used.map(async (host) => {
      const link = linkTo(host, t.dir, t.machines.hostKeys);
      await link.open();
      return { host, link, folder: await shipBundle(link, host.root) };
    }),
  );
  return (worker) => {
    const { host, link, folder } = folders[worker % folders.length]!;
    return {
      where: host.name,
      start: () =>
        link.session(
          `${STDIO_TRANSPORT_ENV}=1 exec ${folder}/node_modules/node/bin/node ${folder}/dist/lab/load/worker.js`,
        ),
    };
  };
}
