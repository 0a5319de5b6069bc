import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/adapters/postgres/embedded.js';
import { createLogger } from '../../src/platform/logger.js';

export interface TestDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A real, throwaway PostgreSQL (the embedded one) in a temporary folder, on a free port. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-test-'));
  const server = await startEmbeddedPostgres(dir, createLogger('error'));
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
