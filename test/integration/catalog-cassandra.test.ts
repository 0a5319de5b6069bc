import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import cassandra from 'cassandra-driver';
import pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { newCustomer, newProduct, startTestApp, type TestApp } from '../support/app.js';
import { freshKeyspace, startTestRing, type TestRing } from '../support/cassandra.js';
import { runContractSuite } from '../support/contract.js';
import { bazaarOk } from '../support/cli.js';
import { catalogStoreContract } from '../support/catalog-store-contract.js';

// The catalog in Cassandra (a one-node ring here; the three-node ring at QUORUM with a node down
// is in test/cluster/stores.test.ts): the same contract suite as on PostgreSQL, then what only
// this store has: its tables, lightweight transactions under races, list rows that follow a
// change, and `bazaar reindex` repairing the PostgreSQL side.
const BASE_PORT = Number(process.env.BAZAAR_TEST_BASE_PORT ?? 23000) + 4000;
let db: TestDatabase;
let ring: TestRing;
let t: TestApp;
let keyspace: string;
let cql: cassandra.Client;
let sql: pg.Client;

before(async () => {
  [db, ring] = await Promise.all([startTestDatabase(), startTestRing(1, BASE_PORT)]);
  keyspace = freshKeyspace();
  t = await startTestApp(db.url, {
    CATALOG_STORE: 'cassandra',
    CASSANDRA_CONTACT_POINTS: ring.contactPoints,
    CASSANDRA_KEYSPACE: keyspace,
    // Tests here change Cassandra's tables behind the API's back, which no change feed announces:
    // list pages must be read from the stores each time, not from the listing cache (ADR 13).
    BAZAAR_LISTING_CACHE_SIZE: '0',
  });
  const [contact] = ring.contactPoints.split(',');
  cql = new cassandra.Client({
    contactPoints: [contact!],
    localDataCenter: 'datacenter1',
    protocolOptions: { port: Number(contact!.split(':')[1]) },
    keyspace,
  });
  await cql.connect();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
after(async () => {
  await sql?.end();
  await cql?.shutdown();
  await t?.close();
  await ring?.stop();
  await db?.stop();
});

catalogStoreContract('Cassandra', () => t.app.stores.catalog);

test('the whole docs/api.md contract suite passes with the catalog in Cassandra', async () => {
  const run = await runContractSuite({ BAZAAR_TEST_CASSANDRA_CONTACT_POINTS: ring.contactPoints });
  assert.equal(run.code, 0, run.failures);
  assert.match(run.out, /# fail 0/);
  assert.match(run.out, /# pass [1-9]/);
});

test('a product is one row by id, one sku claim and a row in each list; stock and search in PostgreSQL', async () => {
  const product = await newProduct(t.client, t.adminToken, { category: 'Кассандра', price: 4321, stock: 7 });
  const row = (
    await cql.execute('SELECT sku, price, version FROM products WHERE id = ?', [product.id], {
      prepare: true,
    })
  ).first();
  assert.equal(row['sku'], product.sku);
  assert.equal(Number(row['price']), 4321);
  const claim = (
    await cql.execute('SELECT product_id FROM product_skus WHERE sku = ?', [product.sku], { prepare: true })
  ).first();
  assert.equal(String(claim['product_id']), product.id);
  for (const table of [
    'products_by_created',
    'products_by_price',
    'products_by_name',
    'product_keys_by_price',
  ]) {
    for (const scope of ['all', 'c:Кассандра']) {
      const rows = await cql.execute(`SELECT id FROM ${table} WHERE scope = ?`, [scope], { prepare: true });
      assert.equal(rows.rows.filter((r) => String(r['id']) === product.id).length, 1, `${table} ${scope}`);
    }
  }
  const stock = await sql.query('SELECT stock, version FROM products WHERE id = $1', [product.id]);
  assert.deepEqual(stock.rows[0], { stock: 7, version: 1 });
});

test('a price change moves the product in the price lists, never twice, never lost', async () => {
  const category = `Ценовая-${Date.now()}`;
  const product = await newProduct(t.client, t.adminToken, { category, price: 1000 });
  const patched = await t.client.patch(`/api/v1/products/${product.id}`, {
    token: t.adminToken,
    headers: { 'if-match': '"1"' },
    body: { price: 9000, category: `${category}-new` },
  });
  assert.equal(patched.status, 200);
  const inOld = await t.client.get(`/api/v1/products?category=${encodeURIComponent(category)}&sort=price`);
  assert.equal(inOld.body.total, 0, 'gone from the old category');
  const cheap = await t.client.get('/api/v1/products?max_price=1000&sort=price&limit=100');
  assert.ok(!cheap.body.items.some((p: { id: string }) => p.id === product.id), 'not at its old price');
  const dear = await t.client.get(
    `/api/v1/products?category=${encodeURIComponent(`${category}-new`)}&min_price=8000&max_price=9000&sort=name`,
  );
  assert.deepEqual(
    dear.body.items.map((p: { id: string; price: number }) => [p.id, p.price]),
    [[product.id, 9000]],
  );
  assert.equal(dear.body.total, 1);
  // The keys-only table the totals are counted in moved with it.
  const keys = async (scope: string) =>
    (
      await cql.execute('SELECT price, id FROM product_keys_by_price WHERE scope = ?', [scope], {
        prepare: true,
      })
    ).rows
      .filter((r) => String(r['id']) === product.id)
      .map((r) => Number(r['price']));
  assert.deepEqual(await keys(`c:${category}`), []);
  assert.deepEqual(await keys(`c:${category}-new`), [9000]);
  assert.deepEqual(await keys('all'), [9000]);
});

test('lightweight transactions: one If-Match wins a race (the rest 412), one create wins a sku (the rest 409)', async () => {
  const product = await newProduct(t.client, t.adminToken, { stock: 5 });
  const patches = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      t.client.patch(`/api/v1/products/${product.id}`, {
        token: t.adminToken,
        headers: { 'if-match': '"1"' },
        body: { price: 100 + i },
      }),
    ),
  );
  assert.deepEqual(patches.map((r) => r.status).sort(), [200, 412, 412, 412, 412, 412]);
  const after = await t.client.get(`/api/v1/products/${product.id}`);
  assert.equal(after.body.version, 2);
  assert.equal(after.body.price, patches.find((r) => r.status === 200)!.body.price);

  const sku = `race-${Date.now()}`;
  const creates = await Promise.all(
    Array.from({ length: 6 }, () =>
      t.client.post('/api/v1/products', {
        token: t.adminToken,
        body: { sku, name: 'Гонка', category: 'Тест', price: 100, stock: 1 },
      }),
    ),
  );
  assert.deepEqual(creates.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  // Taking a sku another product holds is 409 too; a deleted product frees its sku.
  const other = await newProduct(t.client, t.adminToken);
  const steal = await t.client.patch(`/api/v1/products/${other.id}`, { token: t.adminToken, body: { sku } });
  assert.equal(steal.status, 409);
  const winner = creates.find((r) => r.status === 201)!.body;
  assert.equal((await t.client.delete(`/api/v1/products/${winner.id}`, { token: t.adminToken })).status, 204);
  const again = await t.client.patch(`/api/v1/products/${other.id}`, { token: t.adminToken, body: { sku } });
  assert.equal(again.status, 200);
});

test('a read finds PostgreSQL behind and repairs it; reindex rebuilds the search index and clears stale list rows', async () => {
  const word = `реиндекс${Date.now()}`;
  const product = await newProduct(t.client, t.adminToken, { name: `Лампа ${word}`, stock: 3 });
  // Search results are cached for 2 s per instance: wait that out before each look.
  const search = async () => {
    await new Promise((r) => setTimeout(r, 2_100));
    return t.client.get(`/api/v1/products?search=${encodeURIComponent(word)}`);
  };
  assert.equal((await search()).body.total, 1);
  // A list table emptied (as a table added since would be) and a stale row in it: the totals
  // are counted there, so until the rebuild they count the stale row alone.
  const everything = (await t.client.get('/api/v1/products?limit=1')).body.total;
  assert.ok(everything > 0);
  await cql.execute('TRUNCATE product_keys_by_price');
  await cql.execute(
    `INSERT INTO product_keys_by_price (scope, price, id) VALUES ('all', 1, ?) USING TIMESTAMP 0`,
    [product.id],
    { prepare: true },
  );
  assert.equal((await t.client.get('/api/v1/products?limit=1')).body.total, 1, 'counted in the keys table');
  // A change that reached Cassandra but not PostgreSQL: PostgreSQL's copy is an older version.
  await sql.query("UPDATE products SET name = 'Старое имя', catalog_version = 0 WHERE id = $1", [product.id]);
  assert.equal((await search()).body.total, 0, 'the search index is behind');
  // A list row of a state the product no longer has (a price it never kept).
  await cql.execute(
    `INSERT INTO products_by_price (scope, id, sku, name, description, category, price, currency, attributes,
       version, created_at, updated_at) VALUES ('all', ?, 'x', 'x', '', 'x', 1, 'RUB', '{}', 0, ?, ?) USING TIMESTAMP 0`,
    [product.id, new Date(), new Date()],
    { prepare: true },
  );
  const out = await bazaarOk(['reindex'], {
    DATABASE_URL: db.url,
    CATALOG_STORE: 'cassandra',
    CASSANDRA_CONTACT_POINTS: ring.contactPoints,
    CASSANDRA_KEYSPACE: keyspace,
    BAZAAR_SEED_ON_START: 'off',
  });
  assert.match(
    out,
    /reindexed \d+ products from the cassandra catalog: [1-9]\d* brought up to date, [1-9]\d* stale list rows removed/,
  );
  assert.equal((await search()).body.total, 1, 'found again');
  const row = await sql.query('SELECT name, catalog_version, stock FROM products WHERE id = $1', [
    product.id,
  ]);
  assert.deepEqual(row.rows[0], { name: `Лампа ${word}`, catalog_version: 1, stock: 3 });
  const cheapest = await t.client.get('/api/v1/products?sort=price&max_price=1');
  assert.ok(!cheapest.body.items.some((p: { id: string }) => p.id === product.id));
  const planted = await cql.execute(
    `SELECT id FROM product_keys_by_price WHERE scope = 'all' AND price = 1 AND id = ?`,
    [product.id],
    { prepare: true },
  );
  assert.equal(planted.rowLength, 0, 'the stale key row is gone');
  assert.equal((await t.client.get('/api/v1/products?limit=1')).body.total, everything, 'totals refilled');

  // The read path repairs on its own too: PostgreSQL behind again, then one GET.
  await sql.query('UPDATE products SET catalog_version = 0, stock = 3 WHERE id = $1', [product.id]);
  assert.equal((await t.client.get(`/api/v1/products/${product.id}`)).body.stock, 3);
  assert.equal(
    (await sql.query('SELECT catalog_version FROM products WHERE id = $1', [product.id])).rows[0]
      .catalog_version,
    1,
  );
});

test('orders move stock in PostgreSQL without hiding later catalog changes from it', async () => {
  const word = `заказанный${Date.now()}`;
  const key = `ordered-${Date.now()}`;
  const product = await newProduct(t.client, t.adminToken, { name: `Стул ${word}`, price: 1000, stock: 5 });
  const customer = await newCustomer(t.client);
  for (const n of [1, 2]) {
    const order = await t.client.post('/api/v1/orders', {
      token: customer.token,
      headers: { 'idempotency-key': `${key}-${n}` },
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    assert.equal(order.status, 201);
  }
  // Orders bump PostgreSQL's own row version as they take stock; the catalog's stays at 1.
  const card = await t.client.get(`/api/v1/products/${product.id}`);
  assert.deepEqual([card.body.version, card.body.stock], [1, 3]);
  const patched = await t.client.patch(`/api/v1/products/${product.id}`, {
    token: t.adminToken,
    headers: { 'if-match': card.headers.get('etag')! },
    body: { price: 2000, name: `Табурет ${word}` },
  });
  assert.equal(patched.status, 200);
  assert.deepEqual([patched.body.version, patched.body.price, patched.body.stock], [2, 2000, 3]);
  // PostgreSQL took the change: checkout prices from it, search finds the new name.
  const row = await sql.query('SELECT price, name, stock, catalog_version FROM products WHERE id = $1', [
    product.id,
  ]);
  assert.deepEqual(row.rows[0], { price: 2000, name: `Табурет ${word}`, stock: 3, catalog_version: 2 });
  const cart = await t.client.put(`/api/v1/users/${customer.id}/cart/items/${product.id}`, {
    token: customer.token,
    body: { quantity: 1 },
  });
  assert.equal(cart.body.items[0].unit_price, 2000);
  const found = await t.client.get(`/api/v1/products?search=${encodeURIComponent('табурет ' + word)}`);
  assert.deepEqual(
    found.body.items.map((p: { id: string; version: number; price: number }) => [p.id, p.version, p.price]),
    [[product.id, 2, 2000]],
  );
});
