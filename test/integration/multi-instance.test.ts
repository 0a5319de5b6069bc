import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, newCustomer, newProduct } from '../support/app.js';
import { startInstance, type Instance } from '../support/instance.js';

// Two real `bazaar serve` processes on one database: what holds across instances.
let db: TestDatabase;
let a: Instance;
let b: Instance;
let adminToken: string;

before(async () => {
  db = await startTestDatabase();
  [a, b] = await Promise.all([startInstance('api-a', db.url), startInstance('api-b', db.url)]);
  adminToken = (await a.client.post('/api/v1/auth/token', { body: ADMIN })).body.token;
});
after(async () => {
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  await db?.stop();
  assert.deepEqual(codes, [0, 0], 'SIGTERM drains and exits 0');
});

test('a token issued by one instance works on the other; X-Served-By tells them apart', async () => {
  const customer = await newCustomer(a.client);
  const me = await b.client.get('/api/v1/users/me', { token: customer.token });
  assert.equal(me.status, 200);
  assert.equal(me.headers.get('x-served-by'), 'api-b');
});

test('24 concurrent single-unit orders for a stock of 5 over two instances: exactly 5 orders, stock 0', async () => {
  const product = await newProduct(a.client, adminToken, { stock: 5 });
  const customers = await Promise.all(
    Array.from({ length: 24 }, (_, i) => newCustomer(i % 2 ? a.client : b.client)),
  );
  const replies = await Promise.all(
    customers.map((c, i) =>
      (i % 2 ? b : a).client.post('/api/v1/orders', {
        token: c.token,
        headers: { 'idempotency-key': `race-${i}` },
        body: { items: [{ product_id: product.id, quantity: 1 }] },
      }),
    ),
  );
  const statuses = replies.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 5, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 19, statuses.join(','));
  assert.equal((await b.client.get(`/api/v1/products/${product.id}`)).body.stock, 0);
  const servedBy = new Set(replies.map((r) => r.headers.get('x-served-by')));
  assert.deepEqual([...servedBy].sort(), ['api-a', 'api-b']);
});

test('an Idempotency-Key replayed on the other instance returns the same order', async () => {
  const customer = await newCustomer(a.client);
  const product = await newProduct(a.client, adminToken, { stock: 10 });
  const body = { items: [{ product_id: product.id, quantity: 2 }] };
  const headers = { 'idempotency-key': 'same-key' };
  const first = await a.client.post('/api/v1/orders', { token: customer.token, headers, body });
  const replay = await b.client.post('/api/v1/orders', { token: customer.token, headers, body });
  assert.equal(first.status, 201);
  assert.equal(replay.status, 201);
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  assert.equal(replay.body.id, first.body.id);
  assert.equal((await a.client.get(`/api/v1/products/${product.id}`)).body.stock, 8);
});

test('the same key sent to both instances at once makes one order', async () => {
  const customer = await newCustomer(a.client);
  const product = await newProduct(a.client, adminToken, { stock: 10 });
  const body = { items: [{ product_id: product.id, quantity: 1 }] };
  const replies = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      (i % 2 ? a : b).client.post('/api/v1/orders', {
        token: customer.token,
        headers: { 'idempotency-key': 'burst' },
        body,
      }),
    ),
  );
  assert.deepEqual(
    replies.map((r) => r.status),
    [201, 201, 201, 201, 201, 201],
  );
  assert.equal(new Set(replies.map((r) => r.body.id)).size, 1);
  assert.equal((await a.client.get(`/api/v1/products/${product.id}`)).body.stock, 9);
  const orders = await b.client.get(`/api/v1/users/${customer.id}/orders`, { token: customer.token });
  assert.equal(orders.body.total, 1);
});

test('unpaid orders expire: each cancelled once, stock restored exactly, paid orders untouched', async () => {
  // A second pair with a short order lifetime, so that expiry can be watched without racing the
  // other tests; both sweep the same orders.
  const [a, b] = await Promise.all([
    startInstance('api-c', db.url, { BAZAAR_ORDER_TTL: '2s' }),
    startInstance('api-d', db.url, { BAZAAR_ORDER_TTL: '2s' }),
  ]);
  try {
    await expiryScenario(a, b);
  } finally {
    assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [0, 0]);
  }
});

async function expiryScenario(a: Instance, b: Instance) {
  const customer = await newCustomer(a.client);
  const product = await newProduct(a.client, adminToken, { stock: 20 });
  const placed = [];
  for (let i = 0; i < 4; i++) {
    const client = i % 2 ? a.client : b.client;
    placed.push(
      (
        await client.post('/api/v1/orders', {
          token: customer.token,
          headers: { 'idempotency-key': `expire-${i}` },
          body: { items: [{ product_id: product.id, quantity: 3 }] },
        })
      ).body,
    );
  }
  const paid = await a.client.patch(`/api/v1/orders/${placed[0].id}`, {
    token: customer.token,
    body: { status: 'paid' },
  });
  assert.equal(paid.status, 200);
  assert.equal((await a.client.get(`/api/v1/products/${product.id}`)).body.stock, 8);

  const deadline = Date.now() + 30_000;
  let statuses: string[] = [];
  while (Date.now() < deadline) {
    statuses = await Promise.all(
      placed.map(
        async (o) => (await b.client.get(`/api/v1/orders/${o.id}`, { token: customer.token })).body.status,
      ),
    );
    if (statuses.filter((s) => s === 'cancelled').length === 3) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.deepEqual(statuses, ['paid', 'cancelled', 'cancelled', 'cancelled']);
  // Both instances sweep; a second release would push the stock above 17.
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal((await a.client.get(`/api/v1/products/${product.id}`)).body.stock, 17);
  const late = await a.client.patch(`/api/v1/orders/${placed[1].id}`, {
    token: customer.token,
    body: { status: 'paid' },
  });
  assert.equal(late.status, 409);
}
