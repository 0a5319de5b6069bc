import { rm } from 'node:fs/promises';
import {
  embeddedOwner,
  EmbeddedStoreInUse,
  startEmbeddedPostgres,
  stopEmbeddedPostgres,
  type EmbeddedDatabase,
} from '../../adapters/postgres/embedded.js';
import { createLogger } from '../../platform/logger.js';

/**
 * The bench's own embedded PostgreSQL, made anew on every run (seeding takes seconds): each run
 * measures the same data, and no orders of an earlier run expire under this one's measurements.
 */
export async function freshBenchDatabase(
  stateDir: string,
  settings: Readonly<Record<string, string>> = {},
): Promise<EmbeddedDatabase> {
  const logger = createLogger('warn');
  const owner = await embeddedOwner(stateDir);
  // The folder is wiped below: never under a process that is using it.
  if (owner)
    throw new EmbeddedStoreInUse(`${stateDir} is in use by bazaar ${owner.command} (pid ${owner.pid})`);
  await stopEmbeddedPostgres(stateDir, logger);
  await rm(stateDir, { recursive: true, force: true });
  return startEmbeddedPostgres(stateDir, logger, { command: 'bench', settings, whenOwned: 'refuse' });
}
