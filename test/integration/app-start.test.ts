import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import { freePort } from '../../src/platform/processes.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { queryOnce, startTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_SECRET } from '../support/app.js';

// A start that fails part-way closes what it had opened: here the catalog's Cassandra refuses,
// after the database pool was opened and migrated.
let db: TestDatabase;
let stateDir: string | undefined;

before(async () => {
  db = await startTestDatabase();
});
after(async () => {
  await db?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

test('a start that fails at the catalog store leaves no database connection open', async () => {
  const instanceId = 'start-fails-at-cassandra';
  stateDir = await mkdtemp(join(tmpdir(), 'bazaar-state-'));
  const config = loadConfig(
    { port: '0', instanceId },
    {
      BAZAAR_STATE_DIR: stateDir,
      CATALOG_STORE: 'cassandra',
      CASSANDRA_CONTACT_POINTS: `127.0.0.1:${await freePort()}`,
      BAZAAR_PRODUCT_CACHE_TTL: '0',
    },
  );
  await assert.rejects(
    createApp({ config, databaseUrl: db.url, authSecret: TEST_SECRET, logger: createLogger('silent') }),
  );
  const open = await queryOnce<{ n: string }>(
    db.url,
    `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'bazaar ${instanceId}'`,
  );
  assert.equal(Number(open[0]!.n), 0, 'the pool the start had opened is closed');
});
