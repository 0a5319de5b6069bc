import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { newCustomer, newProduct, startTestApp, type TestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { runContractSuite } from '../support/contract.js';
import { RedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { createLogger } from '../../src/platform/logger.js';

// Carts in Redis: the same contract suite as on PostgreSQL, then what only Redis has (replica
// reads, a replica or the primary going away, checkout emptying the cart after the commit).
let db: TestDatabase;
let primary: TestRedis;
let replica: TestRedis;
let t: TestApp;

const calls = async (r: TestRedis, command: string): Promise<number> => {
  const info = await r.client.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
};

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  db = await startTestDatabase();
  primary = await startRedis();
  replica = await startRedis({ replicaOf: primary.port });
  await waitFor(
    async () => (await replica.client.info('replication')).includes('master_link_status:up'),
    'the replica link',
  );
  t = await startTestApp(db.url, { CART_STORE: 'redis', REDIS_URL: primary.url });
  // The API learns its replicas from the primary (INFO replication) once a second.
  await new Promise((r) => setTimeout(r, 1_200));
});
after(async () => {
  await t?.close();
  await replica?.stop();
  await primary?.stop();
  await db?.stop();
});

test('the whole docs/api.md contract suite passes with carts in Redis', async () => {
  const run = await runContractSuite({ BAZAAR_TEST_REDIS_URL: primary.url });
  assert.equal(run.code, 0, run.failures);
  assert.match(run.out, /# fail 0/);
  assert.match(run.out, /# pass [1-9]/);
});

test('one hash per user; the owner reads the change right away, and reads are served by the replica', async () => {
  const customer = await newCustomer(t.client);
  const product = await newProduct(t.client, t.adminToken, { stock: 50 });
  const before = await calls(replica, 'hgetall');
  for (let q = 1; q <= 20; q++) {
    const put = await t.client.put(`/api/v1/users/${customer.id}/cart/items/${product.id}`, {
      token: customer.token,
      body: { quantity: q },
    });
    assert.equal(put.status, 200);
    const read = await t.client.get(`/api/v1/users/${customer.id}/cart`, { token: customer.token });
    assert.equal(read.body.items[0].quantity, q, 'read-your-writes');
  }
  assert.ok((await calls(replica, 'hgetall')) - before >= 20, 'cart reads went to the replica');
  const stored = await primary.client.hgetall(`cart:{${customer.id}}`);
  assert.equal(stored[product.id], '20');
  assert.ok(Date.parse(stored.updated_at!) > 0);
});

test('checkout reads the cart from Redis and empties it only after the order is committed; a replay finishes the job', async () => {
  const customer = await newCustomer(t.client);
  const product = await newProduct(t.client, t.adminToken, { stock: 10 });
  const cartPath = `/api/v1/users/${customer.id}/cart`;
  await t.client.put(`${cartPath}/items/${product.id}`, { token: customer.token, body: { quantity: 2 } });
  const headers = { 'idempotency-key': 'redis-checkout-1' };
  const order = await t.client.post('/api/v1/orders', { token: customer.token, headers, body: {} });
  assert.equal(order.status, 201);
  assert.equal(await primary.client.exists(`cart:{${customer.id}}`), 0, 'cart emptied after the commit');
  // As if the API had crashed between the commit and emptying the cart: the line is back.
  await t.client.put(`${cartPath}/items/${product.id}`, { token: customer.token, body: { quantity: 2 } });
  const replay = await t.client.post('/api/v1/orders', { token: customer.token, headers, body: {} });
  assert.equal(replay.status, 201);
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  assert.equal(replay.body.id, order.body.id, 'never a second order');
  assert.equal((await t.client.get(cartPath, { token: customer.token })).body.items.length, 0);
  assert.equal((await t.client.get(`/api/v1/products/${product.id}`)).body.stock, 8);
});

test('a line changed after checkout read the cart stays in the cart', async () => {
  const customer = await newCustomer(t.client);
  const [a, b] = [await newProduct(t.client, t.adminToken), await newProduct(t.client, t.adminToken)];
  const cartPath = `/api/v1/users/${customer.id}/cart`;
  await t.client.put(`${cartPath}/items/${a.id}`, { token: customer.token, body: { quantity: 1 } });
  const order = await t.client.post('/api/v1/orders', {
    token: customer.token,
    headers: { 'idempotency-key': 'redis-checkout-2' },
    body: {},
  });
  assert.equal(order.status, 201);
  await t.client.put(`${cartPath}/items/${a.id}`, { token: customer.token, body: { quantity: 3 } });
  await t.client.put(`${cartPath}/items/${b.id}`, { token: customer.token, body: { quantity: 1 } });
  // The replay removes only lines still as ordered (a x1): a x3 and b x1 stay.
  await t.client.post('/api/v1/orders', {
    token: customer.token,
    headers: { 'idempotency-key': 'redis-checkout-2' },
    body: {},
  });
  const cart = (await t.client.get(cartPath, { token: customer.token })).body;
  assert.deepEqual(
    cart.items.map((i: { product_id: string; quantity: number }) => [i.product_id, i.quantity]).sort(),
    [
      [a.id, 3],
      [b.id, 1],
    ].sort(),
  );
});

test('a connection closed while it learns its replicas opens none afterwards: nothing of it is left on the replica', async () => {
  const clients = async () =>
    String(await replica.client.client('LIST'))
      .trim()
      .split('\n').length;
  const before = await clients();
  for (let i = 0; i < 5; i++) {
    const connection = new RedisConnection({ kind: 'url', url: primary.url }, createLogger('silent'));
    // Its first INFO is on the wire when close() comes: its answer must not open a replica client.
    void connection.start();
    await connection.close();
  }
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await clients(), before, 'no replica client opened after a close');
});

test('a replica that dies is dropped from reads without a failed request; the primary going away gives 503', async () => {
  const customer = await newCustomer(t.client);
  const product = await newProduct(t.client, t.adminToken);
  const cartPath = `/api/v1/users/${customer.id}/cart`;
  await t.client.put(`${cartPath}/items/${product.id}`, { token: customer.token, body: { quantity: 1 } });
  await replica.kill();
  for (let i = 0; i < 10; i++) {
    const read = await t.client.get(cartPath, { token: customer.token });
    assert.equal(read.status, 200);
    assert.equal(read.body.items.length, 1);
  }
  // A write no longer waits for a replica that is gone (WAIT counts the online ones).
  const put = await t.client.put(`${cartPath}/items/${product.id}`, {
    token: customer.token,
    body: { quantity: 2 },
  });
  assert.equal(put.status, 200);

  await primary.kill();
  const down = await t.client.get(cartPath, { token: customer.token });
  assert.equal(down.status, 503);
  assert.match(down.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.ok(down.headers.get('retry-after'));
  assert.equal((await t.client.get('/ready')).status, 503);
  assert.equal(
    (await t.client.get(`/api/v1/products/${product.id}`)).status,
    200,
    'the catalog still answers',
  );
});
