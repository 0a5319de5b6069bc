import { existsSync } from 'node:fs';
import { run } from '../platform/processes.js';
import { CGROUP_ROOT, ip, quietly } from './host-commands.js';

// What host placement needs of the machine, each tried (and undone) rather than assumed: for
// `cluster doctor`, the bench's choice of placement and the soak.

/** Whether this kernel has a queueing discipline (tried on a throwaway veth pair). */
export async function hasQdisc(qdisc: 'tbf' | 'netem'): Promise<boolean> {
  const probe = `bzq${process.pid % 100000}`;
  const args =
    qdisc === 'tbf'
      ? ['tbf', 'rate', '10mbit', 'burst', '32kbit', 'latency', '50ms']
      : ['netem', 'delay', '1ms'];
  try {
    await ip('link', 'add', probe, 'type', 'veth', 'peer', 'name', `${probe}p`);
    await run('tc', ['qdisc', 'add', 'dev', probe, 'root', ...args]);
    return true;
  } catch {
    return false;
  } finally {
    await quietly(ip('link', 'del', probe));
  }
}

/** A need of host placement, with what it takes when absent (no package brings a kernel feature). */
export interface PlacementCheck {
  name: string;
  found: string | undefined;
  /** Why it is absent and what that means, for `cluster doctor`. */
  otherwise: string;
}

/** What host placement needs of the kernel, each tried (and undone) rather than assumed. */
export async function hostPlacementChecks(): Promise<PlacementCheck[]> {
  const root = process.getuid?.() === 0;
  let namespaces: string | undefined;
  if (root) {
    const probe = `bzprobe${process.pid % 100000}`;
    namespaces = await ip('netns', 'add', probe).then(
      () => 'ip netns',
      () => undefined,
    );
    if (namespaces) await quietly(ip('netns', 'del', probe));
  }
  const cgroup = existsSync(`${CGROUP_ROOT}/cpu/cpu.cfs_quota_us`) ? `${CGROUP_ROOT}/cpu (v1)` : undefined;
  const kernel = 'a kernel feature: no install brings it';
  return [
    { name: 'host placement: root', found: root ? 'uid 0' : undefined, otherwise: 'run as root' },
    {
      name: 'host placement: network namespaces',
      found: namespaces,
      otherwise: root ? `${kernel} (this kernel or container refuses them)` : 'needs root to try',
    },
    {
      name: 'host placement: cgroup cpu quota',
      found: cgroup,
      otherwise: `${kernel} (no cgroup v1 cpu controller)`,
    },
    {
      name: 'host placement: tbf qdisc (--link-rate)',
      found: root && (await hasQdisc('tbf')) ? 'tc' : undefined,
      otherwise: root ? `${kernel}; --link-rate is unavailable here` : 'needs root to try',
    },
    {
      name: 'host placement: netem qdisc (--link-delay)',
      found: root && (await hasQdisc('netem')) ? 'tc' : undefined,
      otherwise: root ? `${kernel}; --link-delay is unavailable here` : 'needs root to try',
    },
  ];
}
