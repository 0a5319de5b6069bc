import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, newCustomer, newProduct } from '../support/app.js';
import { startInstance, type Instance } from '../support/instance.js';
import type { Client } from '../support/http.js';

// Order events through the outbox to notifications, on two real `bazaar serve` processes over one
// database (no Kafka: each instance's relay hands events to the notifier in its process). Both
// relays run; one at a time holds the lease, and the notifier drops any repeat.
let db: TestDatabase;
let a: Instance;
let b: Instance;
let admin: string;

before(async () => {
  db = await startTestDatabase();
  const env = { BAZAAR_ORDER_TTL: '3s' };
  [a, b] = await Promise.all([
    startInstance('notify-a', db.url, env),
    startInstance('notify-b', db.url, env),
  ]);
  admin = (await a.client.post('/api/v1/auth/token', { body: ADMIN })).body.token;
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.stop();
});

/** The user's notifications once `count` have arrived (up to 20 s), oldest first. */
async function notifications(client: Client, userId: string, token: string, count: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reply = await client.get(`/api/v1/users/${userId}/notifications?limit=100`, { token });
    assert.equal(reply.status, 200);
    if (reply.body.total >= count || Date.now() > deadline) return [...reply.body.items].reverse();
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('each status change of an order makes one notification, in order, in Russian and English', async () => {
  const customer = await newCustomer(a.client);
  const product = await newProduct(a.client, admin, { price: 150000, stock: 5 });
  const order = await a.client.post('/api/v1/orders', {
    token: customer.token,
    headers: { 'idempotency-key': 'notify-1' },
    body: { items: [{ product_id: product.id, quantity: 1 }] },
  });
  assert.equal(order.status, 201);
  const path = `/api/v1/orders/${order.body.id}`;
  assert.equal((await b.client.patch(path, { token: customer.token, body: { status: 'paid' } })).status, 200);
  // An address change is no status change: no notification.
  const address = { line1: 'Тверская, 1', city: 'Москва', country: 'RU' };
  assert.equal(
    (await a.client.patch(path, { token: customer.token, body: { shipping_address: address } })).status,
    200,
  );
  assert.equal((await a.client.patch(path, { token: admin, body: { status: 'shipped' } })).status, 200);
  assert.equal((await b.client.patch(path, { token: admin, body: { status: 'delivered' } })).status, 200);
  const seen = await notifications(b.client, customer.id, customer.token, 4);
  assert.deepEqual(
    seen.map((n) => [n.seq, n.status]),
    [
      [1, 'pending_payment'],
      [2, 'paid'],
      [3, 'shipped'],
      [4, 'delivered'],
    ],
  );
  assert.ok(seen.every((n) => n.order_id === order.body.id && n.user_id === customer.id));
  assert.match(
    seen[1]!.text_ru,
    new RegExp(`^Заказ ${order.body.id.slice(0, 8)} на 1\\s500,00\\s₽ оплачен\\.$`),
  );
  assert.match(seen[3]!.text_en, /is delivered\.$/);
  assert.equal(new Set(seen.map((n) => n.event_id)).size, 4);
});

test('a cancellation says who cancelled: the customer, or the expiry of an unpaid order', async () => {
  const customer = await newCustomer(a.client);
  const product = await newProduct(a.client, admin, { stock: 5 });
  const place = (key: string) =>
    a.client.post('/api/v1/orders', {
      token: customer.token,
      headers: { 'idempotency-key': key },
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
  const cancelled = await place('notify-cancel');
  const patch = await a.client.patch(`/api/v1/orders/${cancelled.body.id}`, {
    token: customer.token,
    body: { status: 'cancelled' },
  });
  assert.equal(patch.status, 200);
  const expiring = await place('notify-expire'); // BAZAAR_ORDER_TTL is 3 s here
  const seen = await notifications(a.client, customer.id, customer.token, 4);
  const of = (id: string) => seen.filter((n) => n.order_id === id).map((n) => [n.seq, n.status, n.text_en]);
  assert.deepEqual(
    of(cancelled.body.id).map(([seq, status]) => [seq, status]),
    [
      [1, 'pending_payment'],
      [2, 'cancelled'],
    ],
  );
  assert.match(String(of(cancelled.body.id)[1]![2]), /cancelled at your request\.$/);
  assert.match(String(of(expiring.body.id)[1]![2]), /cancelled as it was not paid in time\.$/);
});

test('notifications are the owner’s and an admin’s to read, nobody else’s', async () => {
  const owner = await newCustomer(a.client);
  const other = await newCustomer(a.client);
  const path = `/api/v1/users/${owner.id}/notifications`;
  assert.equal((await a.client.get(path, { token: other.token })).status, 403);
  assert.equal((await a.client.get(path)).status, 401);
  const asAdmin = await b.client.get(path, { token: admin });
  assert.equal(asAdmin.status, 200);
  assert.deepEqual(asAdmin.body, { items: [], total: 0, page: 1, limit: 20 });
});
