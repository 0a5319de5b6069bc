import assert from 'node:assert/strict';
import { Client } from './http.js';
import { newCustomer } from './app.js';

// Checks every replicated cluster passes, whatever its replication mode or placement.

/** A shopper searches, fills a cart, checks out and pays, through each entrypoint in turn. */
export async function shoppingFlowThroughEach(entrypoints: string[], admin: string): Promise<void> {
  for (const url of entrypoints) {
    const api = new Client(url);
    const shopper = await newCustomer(api);
    const found = await api.get(`/api/v1/products?search=${encodeURIComponent('платья')}`);
    assert.equal(found.status, 200);
    assert.ok(found.body.total > 0);
    const product = found.body.items[0];
    const put = await api.put(`/api/v1/users/${shopper.id}/cart/items/${product.id}`, {
      token: shopper.token,
      body: { quantity: 1 },
    });
    assert.equal(put.status, 200);
    await api.patch(`/api/v1/products/${product.id}`, { token: admin, body: { stock: 100 } });
    const order = await api.post('/api/v1/orders', {
      token: shopper.token,
      headers: { 'idempotency-key': 'flow' },
      body: {},
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const paid = await api.patch(`/api/v1/orders/${order.body.id}`, {
      token: shopper.token,
      body: { status: 'paid' },
    });
    assert.equal(paid.body.status, 'paid');
  }
}

/** 16 shoppers race for the last 7 of a product through alternating entrypoints: exactly 7 win. */
export async function racingCheckouts(entrypoints: string[], admin: string, sku: string): Promise<void> {
  const api = new Client(entrypoints[0]!);
  const product = (
    await api.post('/api/v1/products', {
      token: admin,
      body: { sku, name: 'Race', category: 'Тест', price: 100, stock: 7 },
    })
  ).body;
  const shoppers = await Promise.all(Array.from({ length: 16 }, () => newCustomer(api)));
  const replies = await Promise.all(
    shoppers.map((s, i) =>
      new Client(entrypoints[i % entrypoints.length]!).post('/api/v1/orders', {
        token: s.token,
        headers: { 'idempotency-key': 'race' },
        body: { items: [{ product_id: product.id, quantity: 1 }] },
      }),
    ),
  );
  assert.equal(replies.filter((r) => r.status === 201).length, 7);
  assert.equal((await api.get(`/api/v1/products/${product.id}`)).body.stock, 0);
}

/** Requests through every entrypoint reach every API instance (by X-Served-By). */
export async function servedByEvery(entrypoints: string[], instances: string[]): Promise<void> {
  const servedBy = new Set<string>();
  for (let i = 0; i < 20 * instances.length; i++) {
    const reply = await new Client(entrypoints[i % entrypoints.length]!).get('/api/v1/products?limit=1');
    servedBy.add(reply.headers.get('x-served-by') ?? '');
  }
  assert.deepEqual([...servedBy].sort(), [...instances].sort(), 'traffic reaches every API instance');
}
