import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newCustomer, newProduct } from '../support/app.js';
import { assertProblem, contractTarget } from './contract-target.js';

const c = contractTarget();

describe('orders', () => {
  test('checkout of the cart: 201, stock reserved, cart emptied; empty cart 409; missing key 400', async () => {
    const a = await newCustomer(c.api);
    const p = await newProduct(c.api, c.admin, { stock: 5, price: 700 });
    assertProblem(
      await c.api.post('/api/v1/orders', { token: a.token, headers: { 'idempotency-key': 'e1' }, body: {} }),
      409,
    );
    await c.api.put(`/api/v1/users/${a.id}/cart/items/${p.id}`, { token: a.token, body: { quantity: 2 } });
    assertProblem(await c.api.post('/api/v1/orders', { token: a.token, body: {} }), 400);
    assertProblem(
      await c.api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': 'k'.repeat(256) },
        body: {},
      }),
      400,
    );
    const order = await c.api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'cart-1' },
      body: { shipping_address: { line1: 'Тверская 1', city: 'Москва', country: 'RU' } },
    });
    assert.equal(order.status, 201);
    assert.equal(order.body.status, 'pending_payment');
    assert.equal(order.body.total, 1400);
    assert.deepEqual(order.body.items[0], {
      product_id: p.id,
      name: p.name,
      unit_price: 700,
      quantity: 2,
      line_total: 1400,
    });
    assert.ok(Date.parse(order.body.expires_at) > Date.parse(order.body.created_at));
    assert.equal((await c.api.get(`/api/v1/products/${p.id}`)).body.stock, 3);
    assert.deepEqual((await c.api.get(`/api/v1/users/${a.id}/cart`, { token: a.token })).body.items, []);
  });

  test('short stock 409 with short ids and nothing reserved; idempotent replay; key reuse 409', async () => {
    const a = await newCustomer(c.api);
    const plenty = await newProduct(c.api, c.admin, { stock: 10 });
    const scarce = await newProduct(c.api, c.admin, { stock: 1 });
    const short = await c.api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'short' },
      body: {
        items: [
          { product_id: plenty.id, quantity: 3 },
          { product_id: scarce.id, quantity: 2 },
        ],
      },
    });
    assertProblem(short, 409);
    assert.deepEqual(short.body.product_ids, [scarce.id.slice(0, 8)]);
    assert.equal((await c.api.get(`/api/v1/products/${plenty.id}`)).body.stock, 10);
    const body = { items: [{ product_id: plenty.id, quantity: 3 }] };
    const first = await c.api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'k' },
      body,
    });
    const again = await c.api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'k' },
      body,
    });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.id, first.body.id);
    assert.equal((await c.api.get(`/api/v1/products/${plenty.id}`)).body.stock, 7);
    assertProblem(
      await c.api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': 'k' },
        body: { items: [{ product_id: plenty.id, quantity: 1 }] },
      }),
      409,
    );
  });

  test('ordering for someone else: customer 403, admin allowed', async () => {
    const a = await newCustomer(c.api);
    const b = await newCustomer(c.api);
    const p = await newProduct(c.api, c.admin);
    const items = [{ product_id: p.id, quantity: 1 }];
    assertProblem(
      await c.api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': 'x' },
        body: { user_id: b.id, items },
      }),
      403,
    );
    const byAdmin = await c.api.post('/api/v1/orders', {
      token: c.admin,
      headers: { 'idempotency-key': 'x' },
      body: { user_id: b.id, items },
    });
    assert.equal(byAdmin.status, 201);
    assert.equal(byAdmin.body.user_id, b.id);
  });

  test('get, list newest first with status filter, 403 for strangers, 404 unknown', async () => {
    const a = await newCustomer(c.api);
    const b = await newCustomer(c.api);
    const p = await newProduct(c.api, c.admin, { stock: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = await c.api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': `l${i}` },
        body: { items: [{ product_id: p.id, quantity: 1 }] },
      });
      ids.push(o.body.id);
    }
    await c.api.patch(`/api/v1/orders/${ids[0]}`, { token: a.token, body: { status: 'paid' } });
    const list = await c.api.get(`/api/v1/users/${a.id}/orders`, { token: a.token });
    assert.deepEqual(
      list.body.items.map((o: any) => o.id),
      [...ids].reverse(),
    );
    assert.equal(list.body.total, 3);
    const paid = await c.api.get(`/api/v1/users/${a.id}/orders?status=paid`, { token: a.token });
    assert.deepEqual(
      paid.body.items.map((o: any) => o.id),
      [ids[0]],
    );
    assert.equal((await c.api.get(`/api/v1/orders/${ids[1]}`, { token: a.token })).status, 200);
    assertProblem(await c.api.get(`/api/v1/orders/${ids[1]}`, { token: b.token }), 403);
    assertProblem(await c.api.get(`/api/v1/users/${a.id}/orders`, { token: b.token }), 403);
    assertProblem(
      await c.api.get('/api/v1/orders/01900000-0000-7000-8000-000000000000', { token: a.token }),
      404,
    );
    assertProblem(await c.api.get(`/api/v1/users/${a.id}/orders?status=lost`, { token: a.token }), 400);
  });

  test('status graph over HTTP: pay, ship (admin), deliver, invalid 409, role 403, cancel releases once', async () => {
    const a = await newCustomer(c.api);
    const p = await newProduct(c.api, c.admin, { stock: 4 });
    const place = async (key: string) =>
      (
        await c.api.post('/api/v1/orders', {
          token: a.token,
          headers: { 'idempotency-key': key },
          body: { items: [{ product_id: p.id, quantity: 2 }] },
        })
      ).body;
    const o1 = await place('s1');
    assert.equal(
      (await c.api.patch(`/api/v1/orders/${o1.id}`, { token: a.token, body: { status: 'paid' } })).body
        .status,
      'paid',
    );
    assertProblem(
      await c.api.patch(`/api/v1/orders/${o1.id}`, { token: a.token, body: { status: 'shipped' } }),
      403,
    );
    assertProblem(
      await c.api.patch(`/api/v1/orders/${o1.id}`, { token: a.token, body: { status: 'cancelled' } }),
      403,
    );
    assertProblem(
      await c.api.patch(`/api/v1/orders/${o1.id}`, { token: c.admin, body: { status: 'delivered' } }),
      409,
    );
    const moved = await c.api.patch(`/api/v1/orders/${o1.id}`, {
      token: a.token,
      body: { shipping_address: { line1: 'Nevsky 2', city: 'SPb', country: 'RU' } },
    });
    assert.equal(moved.body.shipping_address.city, 'SPb');
    assert.equal(
      (await c.api.patch(`/api/v1/orders/${o1.id}`, { token: c.admin, body: { status: 'shipped' } })).body
        .status,
      'shipped',
    );
    assertProblem(
      await c.api.patch(`/api/v1/orders/${o1.id}`, {
        token: a.token,
        body: { shipping_address: { line1: 'x', city: 'y', country: 'RU' } },
      }),
      409,
    );
    assert.equal(
      (await c.api.patch(`/api/v1/orders/${o1.id}`, { token: c.admin, body: { status: 'delivered' } })).body
        .status,
      'delivered',
    );
    assert.equal((await c.api.get(`/api/v1/products/${p.id}`)).body.stock, 2);

    const o2 = await place('s2');
    assert.equal((await c.api.get(`/api/v1/products/${p.id}`)).body.stock, 0);
    assertProblem(await c.api.delete(`/api/v1/orders/${o2.id}`, { token: c.admin }), 409);
    assert.equal(
      (await c.api.patch(`/api/v1/orders/${o2.id}`, { token: a.token, body: { status: 'cancelled' } })).body
        .status,
      'cancelled',
    );
    assert.equal((await c.api.get(`/api/v1/products/${p.id}`)).body.stock, 2);
    assertProblem(
      await c.api.patch(`/api/v1/orders/${o2.id}`, { token: a.token, body: { status: 'cancelled' } }),
      409,
    );
    assertProblem(
      await c.api.patch(`/api/v1/orders/${o2.id}`, { token: c.admin, body: { status: 'paid' } }),
      409,
    );
    assert.equal((await c.api.get(`/api/v1/products/${p.id}`)).body.stock, 2, 'stock released exactly once');

    assertProblem(await c.api.delete(`/api/v1/orders/${o2.id}`, { token: a.token }), 403);
    assert.equal((await c.api.delete(`/api/v1/orders/${o2.id}`, { token: c.admin })).status, 204);
    assert.equal((await c.api.delete(`/api/v1/orders/${o1.id}`, { token: c.admin })).status, 204);
    assertProblem(await c.api.get(`/api/v1/orders/${o2.id}`, { token: c.admin }), 404);
    assertProblem(await c.api.patch(`/api/v1/orders/${o2.id}`, { token: c.admin, body: {} }), 400);
  });

  test('admin login from the configured credentials', async () => {
    const login = await c.api.post('/api/v1/auth/token', { body: c.adminCredentials });
    assert.equal(login.body.user.role, 'admin');
  });
});
