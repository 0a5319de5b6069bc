import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newCustomer, newProduct } from '../support/app.js';
import { assertProblem, contractTarget } from './contract-target.js';

const c = contractTarget();

describe('carts', () => {
  test('get empty, put (idempotent), current prices, remove, clear, 403/404/400', async () => {
    const a = await newCustomer(c.api);
    const b = await newCustomer(c.api);
    const p1 = await newProduct(c.api, c.admin, { price: 1000 });
    const p2 = await newProduct(c.api, c.admin, { price: 250 });
    const empty = await c.api.get(`/api/v1/users/${a.id}/cart`, { token: a.token });
    assert.deepEqual([empty.status, empty.body.items, empty.body.total], [200, [], 0]);
    await c.api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, { token: a.token, body: { quantity: 2 } });
    const twice = await c.api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, {
      token: a.token,
      body: { quantity: 2 },
    });
    assert.equal(twice.body.items[0].quantity, 2);
    const both = await c.api.put(`/api/v1/users/${a.id}/cart/items/${p2.id}`, {
      token: a.token,
      body: { quantity: 3 },
    });
    assert.equal(both.body.total, 2 * 1000 + 3 * 250);
    await c.api.patch(`/api/v1/products/${p1.id}`, {
      token: c.admin,
      body: { price: 1100, name: 'Renamed' },
    });
    const repriced = await c.api.get(`/api/v1/users/${a.id}/cart`, { token: a.token });
    const line = repriced.body.items.find((i: any) => i.product_id === p1.id);
    assert.deepEqual([line.unit_price, line.name, line.line_total], [1100, 'Renamed', 2200]);
    assert.equal(repriced.body.total, 2200 + 750);
    const removed = await c.api.delete(`/api/v1/users/${a.id}/cart/items/${p2.id}`, { token: a.token });
    assert.deepEqual(
      removed.body.items.map((i: any) => i.product_id),
      [p1.id],
    );
    assert.equal(
      (await c.api.delete(`/api/v1/users/${a.id}/cart/items/${p2.id}`, { token: a.token })).status,
      200,
    );
    assertProblem(await c.api.get(`/api/v1/users/${a.id}/cart`, { token: b.token }), 403);
    assertProblem(
      await c.api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, { token: a.token, body: { quantity: 0 } }),
      400,
    );
    assertProblem(
      await c.api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, {
        token: a.token,
        body: { quantity: 1000 },
      }),
      400,
    );
    assertProblem(
      await c.api.put(`/api/v1/users/${a.id}/cart/items/01900000-0000-7000-8000-000000000000`, {
        token: a.token,
        body: { quantity: 1 },
      }),
      404,
    );
    assert.equal((await c.api.get(`/api/v1/users/${a.id}/cart`, { token: c.admin })).status, 200);
    assert.equal((await c.api.delete(`/api/v1/users/${a.id}/cart`, { token: a.token })).status, 204);
    assert.deepEqual((await c.api.get(`/api/v1/users/${a.id}/cart`, { token: a.token })).body.items, []);
  });
});
