/** Where the segments live: this machine, or another one the caller reaches. */
export interface SegmentHost {
  isAlive(pid: number | undefined): Promise<boolean>;
  readFile(path: string): Promise<string | undefined>;
  run(command: string, args: readonly string[]): Promise<string>;
}

/**
 * Removes the System V shared memory segments a process created that nothing is attached to any
 * more. A server killed outright (SIGKILL: a crash) cannot remove its own, and they outlive it:
 * pgpool-II's are 135 MB each, charged to its host's memory limit, so the next start on that
 * host was killed for memory at once. Only a dead creator's segments are touched.
 */
export async function removeOrphanedSegments(
  host: SegmentHost,
  creator: number | undefined,
): Promise<number> {
  if (!creator || (await host.isAlive(creator))) return 0;
  const table = (await host.readFile('/proc/sysvipc/shm')) ?? '';
  let removed = 0;
  for (const line of table.split('\n').slice(1)) {
    // key shmid perms size cpid lpid nattch ...
    const [, shmid, , , cpid, , nattch] = line.trim().split(/\s+/);
    if (Number(cpid) !== creator || nattch !== '0') continue;
    await host.run('ipcrm', ['-m', shmid!]).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}
