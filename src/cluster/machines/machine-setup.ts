import type { ClusterSettings } from '../../config/cluster-settings.js';
import type { ServerKind } from '../kind.js';
import { machineClusterDir, type MachinePlan, type Topology } from '../layout.js';
import { SILENT_PEER_SYSCTLS } from '../hosts.js';
import { installMissingOn, onLauncher, postgresPathsOn, type PackageWanted } from '../requirements.js';
import type { InventoryHost } from '../inventory.js';
import { shellQuote as q, type Machine } from './machine.js';
import { SshMachine } from './ssh-machine.js';
import { closeLinks, linkTo } from './ssh-link.js';
import { removeBundleFiles } from './bundle.js';
import { forgetShippedSoftware } from './software.js';

type MachineTopology = Topology & { machines: MachinePlan };

/** Every machine the cluster uses (servers and load workers), by inventory name. */
export function machinesInUse(t: MachineTopology): InventoryHost[] {
  const names = new Set([...Object.values(t.machines.assigned).flat(), ...t.machines.load]);
  return [...names].map((n) => t.machines.hosts[n]!);
}

export function sshMachine(t: MachineTopology, host: InventoryHost): Machine {
  return new SshMachine(linkTo(host, t.dir, t.machines.hostKeys), host.root);
}

/**
 * Reaches every machine before anything starts (an unreachable one is named with ssh's words) and
 * returns the launcher's address as the machines see it.
 */
export async function reachMachines(t: MachineTopology): Promise<string> {
  const hosts = machinesInUse(t);
  const outcomes = await Promise.allSettled(hosts.map((h) => linkTo(h, t.dir, t.machines.hostKeys).open()));
  const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as Error).message] : []));
  if (failed.length > 0) throw new Error(failed.join('\n'));
  const seen = await linkTo(hosts[0]!, t.dir, t.machines.hostKeys).exec('echo "${SSH_CONNECTION%% *}"');
  return seen.trim();
}

/**
 * Makes each machine ready for the kinds it runs: their Debian packages (only those missing; the
 * ones named after the PostgreSQL version once the backends' machines have it), nftables for
 * partitions, the kernel's quick give-up on a silent peer (as on simulated hosts: ADR 21) and the
 * cluster's folder.
 */
export async function prepareMachines(
  t: MachineTopology,
  kinds: readonly ServerKind[],
  settings: ClusterSettings,
  say: (line: string) => void,
): Promise<void> {
  const hosts = machinesInUse(t);
  const packagesOf = (host: InventoryHost, version: string | undefined, only?: string): PackageWanted[] => [
    { name: 'nftables', program: 'nft' },
    ...kinds.flatMap((kind) =>
      kind.count(t) === 0 || (only && kind.name !== only)
        ? []
        : kind
            .requirements(settings)
            .filter((r) => !onLauncher(r) && t.machines.assigned[r.on ?? kind.name]?.includes(host.name))
            .flatMap((r) => r.packages(version).map((name) => ({ name, program: r.program }))),
    ),
  ];
  // The PostgreSQL server first: other packages are named after the major version it brings.
  const backends = t.machines.assigned.postgres ?? [];
  await Promise.all(
    backends.map((name) => {
      const h = t.machines.hosts[name]!;
      return installMissingOn(sshMachine(t, h), packagesOf(h, undefined, 'postgres'), say);
    }),
  );
  const version = backends[0]
    ? (await postgresPathsOn(sshMachine(t, t.machines.hosts[backends[0]]!))).version
    : undefined;
  await Promise.all(
    hosts.map(async (h) => {
      const machine = sshMachine(t, h);
      await installMissingOn(machine, packagesOf(h, version), say);
      await machine.run('sysctl', ['-q', '-w', ...SILENT_PEER_SYSCTLS]);
      await machine.mkdir(machineClusterDir(t, h));
    }),
  );
}

/** The packet filter table of a cluster on a machine (one per base port: clusters never share one). */
function filterTable(t: Topology): string {
  return `bazaar_${t.basePort}`;
}

/**
 * Cuts a machine off from everything but the launcher's SSH: its processes keep running, nobody
 * reaches them and their packets go nowhere (dropped, never refused), as a cut cable would.
 */
export async function cutMachine(t: MachineTopology, host: InventoryHost): Promise<void> {
  const table = filterTable(t);
  const ruleset = `table inet ${table} {
  chain input { type filter hook input priority -10; policy drop; iif lo accept; tcp dport ${host.port} accept; }
  chain output { type filter hook output priority -10; policy drop; oif lo accept; tcp sport ${host.port} accept; }
}
`;
  const machine = sshMachine(t, host);
  await machine.run('/bin/sh', [
    '-c',
    `nft delete table inet ${table} 2>/dev/null; echo ${q(ruleset)} | nft -f -`,
  ]);
}

export async function mendMachine(t: MachineTopology, host: InventoryHost): Promise<void> {
  await sshMachine(t, host).run('/bin/sh', [
    '-c',
    `nft delete table inet ${filterTable(t)} 2>/dev/null; true`,
  ]);
}

/**
 * Leaves every machine as it was before `up`: no packet filter rule, and (unless the data is kept)
 * nothing under its `bazaar_root` of this cluster's, nor the bundle (unless it is kept for the
 * next cluster: a bench's); then the SSH masters close.
 */
export async function clearMachines(
  t: MachineTopology,
  keep: { data?: boolean | undefined; bundle?: boolean | undefined } = {},
): Promise<void> {
  await Promise.all(
    machinesInUse(t).map(async (h) => {
      await mendMachine(t, h).catch(() => undefined);
      if (keep.data) return;
      await sshMachine(t, h).remove(machineClusterDir(t, h));
      if (!keep.bundle) await removeBundleOn(t, h);
    }),
  );
  if (!keep.data && !keep.bundle) await forgetShipped();
  closeLinks();
}

/** The bundle and the software sent go once no other cluster uses the machine; the root too when it is empty. */
async function removeBundleOn(t: MachineTopology, h: InventoryHost): Promise<void> {
  await sshMachine(t, h).run('/bin/sh', [
    '-c',
    `ls -d ${q(h.root)}/cluster-* >/dev/null 2>&1 || rm -rf ${q(h.root)}/bundle ${q(h.root)}/software; ` +
      `rmdir ${q(h.root)} 2>/dev/null; true`,
  ]);
}

/** Removes the bundle from every machine of an inventory (the end of a bench that kept it). */
export async function clearBundles(t: MachineTopology): Promise<void> {
  await Promise.all(Object.values(t.machines.hosts).map((h) => removeBundleOn(t, h).catch(() => undefined)));
  await forgetShipped();
  closeLinks();
}

async function forgetShipped(): Promise<void> {
  await removeBundleFiles();
  forgetShippedSoftware();
}
