import { chmod, stat } from 'node:fs/promises';
import { dirname, parse, resolve } from 'node:path';

/**
 * As root, servers that run as another user (PostgreSQL as `postgres`) must be able to reach
 * their files: add the search bit (and only that) to every ancestor of `target` that lacks it.
 * Returns the folders it changed, so the caller can say so.
 */
export async function makeReachable(target: string): Promise<string[]> {
  const changed: string[] = [];
  let dir = resolve(target);
  const { root } = parse(dir);
  while (dir !== root) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(dir, mode | 0o001);
      changed.push(dir);
    }
    dir = dirname(dir);
  }
  return changed;
}
