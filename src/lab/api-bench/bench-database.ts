import { rm } from 'node:fs/promises';
import {
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
  await stopEmbeddedPostgres(stateDir, logger);
  await rm(stateDir, { recursive: true, force: true });
  return startEmbeddedPostgres(stateDir, logger, settings);
}
