import type { ClusterSettings } from '../config/cluster-settings.js';
import type { ServerKind } from './kind.js';
import { isHosts, isMachines, machineHost, type Topology } from './layout.js';
import { createNetwork, hostNames, setLink } from './hosts.js';
import { installMissing, onLauncher } from './requirements.js';
import { machineOf } from './machines/machine-of.js';
import { cutMachine, mendMachine, prepareMachines, reachMachines } from './machines/machine-setup.js';
import type { ClusterState } from './state.js';

// What `Cluster` does differently by placement, in one place: where an instance is said to run,
// how its link is cut, whether anything of a kept state still runs.

export const PARTITION_NEEDS_HOSTS =
  'partition and heal need servers with addresses of their own (`cluster up --placement hosts` or `--inventory`)';

/** Where an instance runs, for `cluster status`. */
export function hostLabel(t: Topology, kind: ServerKind, i: number): string {
  if (isMachines(t)) return machineHost(t, kind.name, i).name;
  if (isHosts(t)) return hostNames(t, kind.sidecarOf ?? kind.name, i).namespace;
  return 'loopback';
}

/** Whether any process a kept state names still runs (asked on each one's machine). */
export async function anyAlive(state: ClusterState): Promise<boolean> {
  const t = state.topology;
  for (const [name, pid] of Object.entries(state.pids)) {
    const [kind, index] = name.split(':');
    const alive = await machineOf(t, kind!, Number(index))
      .isAlive(pid)
      .catch(() => false);
    if (alive) return true;
  }
  return false;
}

/** Cuts (or restores) a simulated host's link, or a machine's packet filter (all of its servers). */
export async function setInstanceLink(t: Topology, kind: ServerKind, i: number, up: boolean): Promise<void> {
  if (isMachines(t)) {
    const host = machineHost(t, kind.name, i);
    await (up ? mendMachine(t, host) : cutMachine(t, host));
  } else if (isHosts(t)) await setLink(t, kind.sidecarOf ?? kind.name, i, up);
  else throw new Error(PARTITION_NEEDS_HOSTS);
}

/**
 * Before anything is recorded: on machines, every one reached (the topology then holds the
 * launcher's address as they see it); else what the kinds need installed here.
 */
export async function readyPlacement(
  t: Topology,
  kinds: readonly ServerKind[],
  settings: ClusterSettings,
  say: (line: string) => void,
): Promise<Topology> {
  if (isMachines(t)) {
    // Server jars are fetched here, then sent to the machines that run them.
    await installMissing(
      kinds.filter((k) => k.count(t) > 0).flatMap((k) => k.requirements(settings).filter(onLauncher)),
      say,
    );
    say(`machines of ${t.machines.inventory}: reaching each over SSH`);
    return { ...t, machines: { ...t.machines, control: await reachMachines(t) } };
  }
  const used = kinds.filter((k) => k.count(t) > 0);
  await installMissing(
    used.flatMap((k) => k.requirements(settings)),
    say,
  );
  return t;
}

/** The simulated network, or each machine made ready for what it runs. */
export async function buildPlacement(
  t: Topology,
  kinds: readonly ServerKind[],
  settings: ClusterSettings,
  step: (line: string) => void,
): Promise<void> {
  if (isHosts(t)) {
    step('simulated hosts: a bridge on 198.18.0.0/15, a namespace and a CPU quota each');
    await createNetwork(t);
  }
  if (isMachines(t)) {
    step('machines: packages, kernel settings and folders');
    await prepareMachines(t, kinds, settings, step);
  }
}
