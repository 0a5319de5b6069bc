import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { queryOnce, startTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestApp, TEST_SECRET, type TestApp } from '../support/app.js';
import { bazaar, bazaarOk } from '../support/cli.js';
import { testEnv } from '../support/env.js';
import { CatalogPortUpserts } from '../../src/modules/catalog/transfer/port-upserts.js';
import { importCatalog, type ImportOptions } from '../../src/modules/catalog/transfer/import-catalog.js';
import { SqliteCatalogSource } from '../../src/adapters/sqlite/sqlite-catalog-source.js';
import { parseMapping } from '../../src/adapters/sqlite/catalog-mapping.js';
import { RejectsFile } from '../../src/adapters/files/rejects-file.js';
import { systemClock } from '../../src/platform/clock.js';

// `bazaar import` and `bazaar export` on PostgreSQL (the embedded server, a database of its own
// per run): a round trip, the normalized example with its bad rows, a dry run, and an import
// killed half-way (SIGKILL) and resumed. The same with the catalog in Cassandra: test/cluster.
const BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/catalog-import/', import.meta.url));
let db: TestDatabase;
let dir: string;
let sql: pg.Client;

/** A fresh database on the test server for each scenario, so their catalogs never meet. */
async function freshDatabase(name: string): Promise<string> {
  await sql.query(`CREATE DATABASE ${name}`);
  const url = new URL(db.url);
  url.pathname = `/${name}`;
  return url.toString();
}

function env(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    BAZAAR_DATABASE_REPLICATION: 'none',
    BAZAAR_AUTH_SECRET: TEST_SECRET,
    BAZAAR_STATE_DIR: join(dir, 'state'),
  };
}

const query = queryOnce;

before(async () => {
  db = await startTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'bazaar-import-'));
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
after(async () => {
  await sql?.end();
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('round trip: the demo catalog exported, imported into an empty store, exported again: the same products', async () => {
  const url = await freshDatabase('round_trip');
  const demo = join(dir, 'demo.sqlite');
  await bazaarOk(['export', demo, '--demo', '--products', '2000']);
  const out = await bazaarOk(['import', demo], env(url));
  assert.match(out, /2000 read, 2000 inserted, 0 updated, 0 unchanged, 0 rejected/);
  const again = join(dir, 'again.sqlite');
  await bazaarOk(['export', again], env(url));
  const rows = (file: string) => {
    const s = new DatabaseSync(file, { readOnly: true });
    const all = s
      .prepare(
        'SELECT sku, name, description, category, price, currency, stock, attributes FROM products ORDER BY sku',
      )
      .all();
    s.close();
    return all.map((r) => ({ ...r, attributes: JSON.parse(String(r.attributes)) as unknown }));
  };
  assert.deepEqual(rows(again), rows(demo));
  // A dry run of the export says what a real run then does: every row unchanged.
  const dry = await bazaarOk(['import', again, '--dry-run'], env(url));
  assert.match(
    dry,
    /dry run \(nothing written\): 2000 read, 0 inserted, 0 updated, 2000 unchanged, 0 rejected/,
  );
  // A second run changes nothing and creates nothing, and leaves no rejects file.
  assert.equal(existsSync(`${again}.rejects.jsonl`), false, 'no rejects file when nothing was refused');
  const rerun = await bazaarOk(['import', demo], env(url));
  assert.match(rerun, /2000 read, 0 inserted, 0 updated, 2000 unchanged/);
  const live = await query<{ n: number }>(
    url,
    'SELECT count(*)::int AS n FROM products WHERE deleted_at IS NULL',
  );
  assert.equal(live[0]!.n, 2000);
});

test('the normalized example with its mapping: the bad rows refused with reasons, the rest loaded and searchable', async () => {
  const url = await freshDatabase('normalized');
  const source = join(dir, 'normalized.sqlite');
  await copyFile(join(EXAMPLE, 'normalized.sqlite'), source);
  const out = await bazaarOk(['import', source, '--map', join(EXAMPLE, 'normalized.yaml')], env(url));
  assert.match(out, /12 read, 7 inserted, 0 updated, 0 unchanged, 5 rejected/);
  const rejects = (await readFile(`${source}.rejects.jsonl`, 'utf8'))
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as { source_key: number; field: string; reason: string; row: Record<string, unknown> },
    );
  assert.deepEqual(
    rejects.map((r) => [r.source_key, r.field]),
    [
      [7, 'price'],
      [8, 'name'],
      [9, 'sku'],
      [10, 'price'],
      [11, 'name'],
    ],
  );
  assert.match(rejects[2]!.reason, /earlier row/);
  assert.match(rejects[3]!.reason, /more decimals than RUB/);
  assert.match(rejects[4]!.reason, /not valid UTF-8/);
  // Each line holds the row as the source held it, beside why it was refused.
  for (const r of rejects) assert.equal(r.row.key, r.source_key);
  assert.equal(rejects[2]!.row.sku, 'BAG-001', 'the duplicate repeats the first bag’s sku');
  assert.equal(rejects[3]!.row.price, '199.999', 'the price as the source wrote it');
  const [bag] = await query<{
    name: string;
    price: number;
    attributes: Record<string, string>;
    category: string;
  }>(url, "SELECT name, price, attributes, category FROM products WHERE sku = 'BAG-001'");
  assert.deepEqual(bag, {
    name: 'Кожаная сумка через плечо',
    price: 499000,
    attributes: { colour: 'чёрный', material: 'кожа' },
    category: 'Сумки',
  });
  const [sandals] = await query<{ name: string; price: number }>(
    url,
    "SELECT name, price FROM products WHERE sku = 'SHOE-004'",
  );
  assert.deepEqual(sandals, { name: 'Сандалии летние', price: 250000 });
  // Searchable with morphology through the API: "сумки" finds both bags ("сумка").
  const t: TestApp = await startTestApp(url);
  try {
    const found = await t.client.get(`/api/v1/products?search=${encodeURIComponent('сумки')}`);
    assert.deepEqual(found.body.items.map((p: { sku: string }) => p.sku).sort(), ['BAG-001', 'BAG-002']);
  } finally {
    await t.close();
  }
});

test('a dry run checks every row, counts what it would insert, and writes nothing: no product, no checkpoint, no rejects file', async () => {
  const url = await freshDatabase('dry_run');
  const source = join(dir, 'dry.sqlite');
  await copyFile(join(EXAMPLE, 'normalized.sqlite'), source);
  const out = await bazaarOk(
    ['import', source, '--map', join(EXAMPLE, 'normalized.yaml'), '--dry-run'],
    env(url),
  );
  // Every row read lands in exactly one count.
  assert.match(out, /dry run \(nothing written\): 12 read, 7 inserted, 0 updated, 0 unchanged, 5 rejected/);
  assert.deepEqual(await query(url, 'SELECT 1 FROM products'), []);
  assert.deepEqual(await query(url, 'SELECT 1 FROM catalog_import_checkpoint'), []);
  assert.equal(existsSync(`${source}.rejects.jsonl`), false);
});

test('an import killed half-way (SIGKILL) resumes: every product exactly once, nothing rejected twice; another file refuses --resume', async () => {
  const url = await freshDatabase('resume');
  const source = join(dir, 'big.sqlite');
  await bazaarOk(['export', source, '--demo', '--products', '30000']);
  // Bad rows spread through the file: a negative price every 1,000 rows.
  const s = new DatabaseSync(source);
  s.exec('UPDATE products SET price = -1 WHERE rowid % 1000 = 0');
  s.close();
  const child = spawn(process.execPath, [BIN, 'import', source, '--batch-size', '200'], {
    env: testEnv(env(url)),
    stdio: 'ignore',
  });
  // Killed once a few batches are committed, long before the last.
  for (;;) {
    const rows = await query<{ batch: number }>(url, 'SELECT batch FROM catalog_import_checkpoint').catch(
      () => [],
    );
    if ((rows[0]?.batch ?? 0) >= 5) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const [cut] = await query<{ batch: number; finished: boolean }>(
    url,
    'SELECT batch, finished FROM catalog_import_checkpoint',
  );
  assert.equal(cut!.finished, false, 'killed before the end');
  const other = join(dir, 'other.sqlite');
  await bazaarOk(['export', other, '--demo', '--products', '10']);
  const refused = await bazaar(['import', other, '--resume'], env(url));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /--resume refused: the interrupted import read another file/);
  const out = await bazaarOk(['import', source, '--resume', '--batch-size', '200'], env(url));
  assert.match(out, /30000 read \(resumed after \d+\), \d+ inserted, 0 updated, 0 unchanged, 30 rejected/);
  const [counted] = await query<{ n: number; skus: number }>(
    url,
    'SELECT count(*)::int AS n, count(DISTINCT sku)::int AS skus FROM products WHERE deleted_at IS NULL',
  );
  assert.equal(counted!.n, 29970);
  assert.equal(counted!.skus, 29970);
  const rejects = (await readFile(`${source}.rejects.jsonl`, 'utf8')).trim().split('\n');
  const keys = rejects.map((l) => (JSON.parse(l) as { source_key: number }).source_key);
  assert.equal(keys.length, 30);
  assert.equal(new Set(keys).size, 30, 'no row rejected twice');
  const nothing = await bazaar(['import', source, '--resume'], env(url));
  assert.match(nothing.stderr, /nothing to resume/);
});

test('in process, both write paths: PostgreSQL in one statement, and the catalog port (the Cassandra path) on the same rules', async () => {
  for (const path of ['postgres', 'port'] as const) {
    const url = await freshDatabase(`in_process_${path}`);
    const t = await startTestApp(url);
    try {
      const checkpoints = t.app.stores.imports.checkpoints;
      const store =
        path === 'postgres'
          ? t.app.stores.imports.upserts
          : new CatalogPortUpserts(t.app.stores.catalog, checkpoints);
      const mappingText = await readFile(join(EXAMPLE, 'normalized.yaml'), 'utf8');
      const file = join(dir, `in-process-${path}.sqlite`);
      await copyFile(join(EXAMPLE, 'normalized.sqlite'), file);
      const run = async (options: Partial<ImportOptions> = {}) => {
        const source = await SqliteCatalogSource.open(file, parseMapping(mappingText), mappingText);
        try {
          return await importCatalog(
            source,
            { store, checkpoints, rejects: new RejectsFile(`${file}.rejects.jsonl`), clock: systemClock },
            { batchSize: 4, resume: false, dryRun: false, deleteMissing: false, ...options },
          );
        } finally {
          source.close();
        }
      };
      const first = await run();
      assert.deepEqual(
        [first.read, first.inserted, first.updated, first.unchanged, first.rejected],
        [12, 7, 0, 0, 5],
        path,
      );
      // The source changes: one price, one product gone.
      const s = new DatabaseSync(file);
      s.exec(
        "UPDATE items SET price_rub = '5190.00' WHERE code = 'BAG-001'; DELETE FROM item_properties WHERE item_id = 2; DELETE FROM items WHERE code = 'BAG-002'",
      );
      s.close();
      const second = await run({ deleteMissing: true });
      assert.deepEqual(
        [second.read, second.inserted, second.updated, second.unchanged, second.deleted],
        [11, 0, 1, 5, 1],
        path,
      );
      const bag = (await t.client.get(`/api/v1/products?search=${encodeURIComponent('сумка')}`)).body.items;
      assert.deepEqual(
        bag.map((p: { sku: string; price: number; version: number }) => [p.sku, p.price, p.version]),
        [['BAG-001', 519000, 2]],
        path,
      );
      const checkpoint = await checkpoints.load();
      assert.equal(checkpoint?.finished, true);
      assert.equal(checkpoint?.batch, 3);
    } finally {
      await t.close();
    }
  }
});
