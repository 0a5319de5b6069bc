import { existsSync } from 'node:fs';
import { run } from '../../src/platform/processes.js';

/** Why host placement cannot run here (root, a cgroup v1 CPU controller, network namespaces), or undefined. */
export async function hostPlacementUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'host placement needs root (network namespaces, cgroups)';
  if (!existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) return 'no cgroup v1 cpu controller';
  const probe = `bzprobe${process.pid}`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'del', probe]);
    return undefined;
  } catch (error) {
    return `network namespaces cannot be made here (${(error as Error).message})`;
  }
}
