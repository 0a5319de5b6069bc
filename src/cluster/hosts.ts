import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { HostRecord } from './state.js';
import { run, type Owner } from '../platform/processes.js';
import { hostNetwork, type Topology } from './layout.js';
import { hostAddress } from './addresses.js';
import { budgetOf } from './host-budgets.js';
import { CGROUP_ROOT, ip, quietly } from './host-commands.js';
import { hostPlan } from './placement-plan.js';

// Simulated hosts (ADR 12): each component instance in a network namespace of its own, joined to
// a bridge by a veth pair, with a CPU quota and a memory limit (cgroup v1). Everything made here
// is named after the cluster's base port, so `down` finds and removes exactly what `up` made.

export { budgetOf, type HostBudget } from './host-budgets.js';

/** Kernel names of one host (interface names have at most 15 characters). */
export function hostNames(t: Topology, kind: string, i: number) {
  const tag = `bz${t.basePort}`;
  return {
    namespace: `${tag}-${kind}-${i}`,
    veth: `${tag}${hostPlan(kind)?.code ?? kind.slice(0, 2)}${i}`,
    cgroup: `bazaar-${t.basePort}/${kind}-${i}`,
  };
}

export function bridgeName(t: Topology): string {
  return `bz${t.basePort}br`;
}

/** The cluster's bridge with the gateway address (the machine itself, where clients run). */
/** 02:62:7a (locally administered, "bz"), then the base port. */
export function bridgeMac(t: Topology): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `02:62:7a:${hex((t.basePort >> 8) & 0xff)}:${hex(t.basePort & 0xff)}:01`;
}

export async function createNetwork(t: Topology): Promise<void> {
  const bridge = bridgeName(t);
  await quietly(ip('link', 'del', bridge));
  await ip('link', 'add', bridge, 'type', 'bridge');
  // A bridge without an address of its own takes its lowest port's, so each host added could move
  // the gateway's address under hosts that remember the old one: their packets to the machine
  // went nowhere for seconds (a psql session of `up` was cut off). One fixed, locally administered
  // address per base port.
  await ip('link', 'set', bridge, 'address', bridgeMac(t));
  await ip('addr', 'add', `${hostNetwork(t).gateway}/24`, 'dev', bridge);
  await ip('link', 'set', bridge, 'up');
}

/**
 * Each host's kernel gives up on a peer that went silent (a cut link) in seconds, not TCP's
 * defaults (15 retransmissions: ~15 minutes; keepalive after 2 hours): data unacknowledged for
 * ~3 s ends the connection, an idle one is probed after 2 s and dropped after two unanswered
 * probes. A live peer's kernel acknowledges at once, however busy its process: only silence trips
 * them. Every client on the host (nginx to the API, the API to pgpool-II and Redis, pgpool-II to
 * PostgreSQL) then sees a broken connection and moves on (ADR 21). Real machines want the same.
 */
export const SILENT_PEER_SYSCTLS = [
  'net.ipv4.tcp_retries2=3',
  'net.ipv4.tcp_keepalive_time=2',
  'net.ipv4.tcp_keepalive_intvl=1',
  'net.ipv4.tcp_keepalive_probes=2',
];

/** A host for instance i of a kind: namespace, link, address, default route, CPU and memory. */
export async function createHost(t: Topology, kind: string, i: number): Promise<void> {
  const n = hostNames(t, kind, i);
  await removeHost(t, kind, i);
  await ip('netns', 'add', n.namespace);
  await ip('link', 'add', n.veth, 'type', 'veth', 'peer', 'name', `${n.veth}p`);
  await ip('link', 'set', n.veth, 'master', bridgeName(t));
  await ip('link', 'set', n.veth, 'up');
  await ip('link', 'set', `${n.veth}p`, 'netns', n.namespace);
  await ip('-n', n.namespace, 'link', 'set', `${n.veth}p`, 'name', 'eth0');
  await ip('-n', n.namespace, 'addr', 'add', `${hostAddress(t, kind, i)}/24`, 'dev', 'eth0');
  await ip('-n', n.namespace, 'link', 'set', 'eth0', 'up');
  await ip('-n', n.namespace, 'link', 'set', 'lo', 'up');
  await ip('-n', n.namespace, 'route', 'add', 'default', 'via', hostNetwork(t).gateway);
  await run('ip', ['netns', 'exec', n.namespace, 'sysctl', '-q', '-w', ...SILENT_PEER_SYSCTLS]);
  await shapeLink(t, n.veth);
  const budget = budgetOf(t, kind);
  const cpu = `${CGROUP_ROOT}/cpu/${n.cgroup}`;
  const memory = `${CGROUP_ROOT}/memory/${n.cgroup}`;
  await mkdir(cpu, { recursive: true });
  await mkdir(memory, { recursive: true });
  await writeFile(`${cpu}/cpu.cfs_period_us`, '100000');
  await writeFile(`${cpu}/cpu.cfs_quota_us`, String(Math.round(budget.cpu * 100_000)));
  await writeFile(`${memory}/memory.limit_in_bytes`, String(budget.memoryBytes));
}

/** How often a host's quota held it back since it was made: CFS periods throttled, of all. */
export async function throttling(
  t: Topology,
  kind: string,
  i: number,
): Promise<{ periods: number; throttled: number }> {
  const text = await readFile(`${CGROUP_ROOT}/cpu/${hostNames(t, kind, i).cgroup}/cpu.stat`, 'utf8').catch(
    () => '',
  );
  const field = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { periods: field('nr_periods'), throttled: field('nr_throttled') };
}

/**
 * The command that runs `command` on a host: inside its namespace, in its cgroups (joined before
 * the server starts, so every process it forks is counted), as `owner` when given. Each step
 * execs the next, so the pid returned by the spawn is the server's own.
 */
export function onHost(
  t: Topology,
  kind: string,
  i: number,
  command: string,
  args: readonly string[],
  owner?: Owner,
): { command: string; args: string[] } {
  const n = hostNames(t, kind, i);
  const join = `echo $$ > ${CGROUP_ROOT}/cpu/${n.cgroup}/cgroup.procs && echo $$ > ${CGROUP_ROOT}/memory/${n.cgroup}/cgroup.procs && exec "$@"`;
  const as = owner ? ['setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups'] : [];
  // The cgroups are joined before entering the namespace: `ip netns exec` mounts a sysfs of the
  // namespace's own, without the cgroup hierarchy.
  return {
    command: 'sh',
    args: ['-c', join, 'sh', 'ip', 'netns', 'exec', n.namespace, ...as, command, ...args],
  };
}

/** Shapes a host's link: its rate (tbf) and delay (netem), on the machine's end of the pair. */
async function shapeLink(t: Topology, veth: string): Promise<void> {
  if (t.linkDelayMs !== undefined) {
    const rate = t.linkRate ? ['rate', t.linkRate] : [];
    await run('tc', ['qdisc', 'add', 'dev', veth, 'root', 'netem', 'delay', `${t.linkDelayMs}ms`, ...rate]);
  } else if (t.linkRate !== undefined) {
    await run('tc', [
      'qdisc',
      'add',
      'dev',
      veth,
      'root',
      'tbf',
      'rate',
      t.linkRate,
      'burst',
      '64kb',
      'latency',
      '100ms',
    ]);
  }
}

/** Cuts (or restores) a host's link: its processes keep running, nobody reaches them. */
export async function setLink(t: Topology, kind: string, i: number, up: boolean): Promise<void> {
  await ip('link', 'set', hostNames(t, kind, i).veth, up ? 'up' : 'down');
}

export async function removeHost(t: Topology, kind: string, i: number): Promise<void> {
  const n = hostNames(t, kind, i);
  await quietly(ip('link', 'del', n.veth));
  await quietly(ip('netns', 'del', n.namespace));
  for (const controller of ['cpu', 'memory']) await removeCgroup(`${CGROUP_ROOT}/${controller}/${n.cgroup}`);
}

/**
 * A cgroup can be removed only once its last process is gone, and a process killed a moment ago
 * may still be exiting (or waiting to be reaped): wait for it a little rather than leave it behind.
 */
async function removeCgroup(dir: string): Promise<void> {
  for (let attempt = 0; existsSync(dir); attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if (attempt >= 50) throw new Error(`cannot remove ${dir}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function removeNetwork(t: Topology): Promise<void> {
  await quietly(ip('link', 'del', bridgeName(t)));
  for (const controller of ['cpu', 'memory'])
    await removeCgroup(`${CGROUP_ROOT}/${controller}/bazaar-${t.basePort}`);
}

/** Makes the host of an instance unless it exists (a restart keeps it); returns what it is. */
export async function ensureHost(t: Topology, kind: string, i: number): Promise<HostRecord> {
  const names = hostNames(t, kind, i);
  if (!existsSync(`/var/run/netns/${names.namespace}`)) await createHost(t, kind, i);
  const budget = budgetOf(t, kind);
  return {
    namespace: names.namespace,
    address: hostAddress(t, kind, i),
    cpu: budget.cpu,
    memoryBytes: budget.memoryBytes,
  };
}

/**
 * How to run a Node.js module on a host (a load client worker): the same exec chain as a server,
 * ending in this process's Node.js with its own flags; the IPC channel survives every exec.
 */
export function nodeOnHost(t: Topology, kind: string, i: number): { execPath: string; execArgv: string[] } {
  const placedNode = onHost(t, kind, i, process.execPath, process.execArgv);
  return { execPath: '/bin/sh', execArgv: placedNode.args };
}
