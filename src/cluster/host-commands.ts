import { run } from '../platform/processes.js';

/** Where the cgroup v1 controllers are mounted. */
export const CGROUP_ROOT = '/sys/fs/cgroup';

export const ip = (...args: string[]) => run('ip', args);

/** A clean-up step whose failure (already gone) changes nothing. */
export const quietly = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    () => undefined,
  );
