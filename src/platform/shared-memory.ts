import { readFile } from 'node:fs/promises';
import { isAlive, run } from './processes.js';

/**
 * Removes the System V shared memory segments a process created that nothing is attached to any
 * more. A server killed outright (SIGKILL: a crash) cannot remove its own, and they outlive it:
 * pgpool-II's are 135 MB each, charged to its host's memory limit, so the next start on that
 * host was killed for memory at once. Only a dead creator's segments are touched.
 */
export async function removeOrphanedSegments(creator: number | undefined): Promise<number> {
  if (!creator || isAlive(creator)) return 0;
  const table = await readFile('/proc/sysvipc/shm', 'utf8').catch(() => '');
  let removed = 0;
  for (const line of table.split('\n').slice(1)) {
    // key shmid perms size cpid lpid nattch ...
    const [, shmid, , , cpid, , nattch] = line.trim().split(/\s+/);
    if (Number(cpid) !== creator || nattch !== '0') continue;
    await run('ipcrm', ['-m', shmid!]).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}
