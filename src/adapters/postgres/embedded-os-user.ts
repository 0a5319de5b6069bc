import { dirname } from 'node:path';
import { userInfo } from 'node:os';
import type { Logger } from '../../platform/logger.js';
import { makeReachable } from '../../platform/reachable.js';
import { osUser, run, type Owner } from '../../platform/processes.js';

/** The OS user the embedded server runs as when Bazaar runs as root (PostgreSQL refuses root). */
export const SERVER_USER = 'postgres';

/** As root: the `postgres` OS user the server runs as, created (as a system user) when missing. */
export async function serverOwner(logger: Logger): Promise<Owner | undefined> {
  if (userInfo().uid !== 0) return undefined;
  let owner = await osUser(SERVER_USER);
  if (!owner) {
    logger.warn('creating the postgres OS user: PostgreSQL refuses to run as root');
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      SERVER_USER,
    ]);
    owner = await osUser(SERVER_USER);
  }
  if (!owner) throw new Error('could not create the postgres OS user');
  return owner;
}

/** As root, the `postgres` user must reach the binaries and the data folder. */
export async function makeServerFilesReachable(binDir: string, root: string, logger: Logger): Promise<void> {
  for (const target of [dirname(binDir), root]) {
    for (const dir of await makeReachable(target)) {
      logger.warn({ dir }, 'added o+x so that the postgres user can reach the embedded server');
    }
  }
}
