import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newCustomer, newProduct } from '../support/app.js';
import { assertProblem, contractTarget } from './contract-target.js';

const c = contractTarget();

describe('users and auth', () => {
  test('register, duplicate email (any case) 409, validation 400 with paths', async () => {
    const email = `Case${Date.now()}@Example.test`;
    const created = await c.api.post('/api/v1/users', {
      body: { email, password: 'long-enough', name: 'Ann' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.role, 'customer');
    assert.equal(created.body.password_hash, undefined);
    assert.equal(created.body.password, undefined);
    assertProblem(
      await c.api.post('/api/v1/users', {
        body: { email: email.toLowerCase(), password: 'long-enough', name: 'Ann' },
      }),
      409,
    );
    const bad = await c.api.post('/api/v1/users', {
      body: { email: 'not-an-email', password: 'short', extra: 1 },
    });
    assertProblem(bad, 400);
    const paths = bad.body.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['/email', '/extra', '/name', '/password']);
  });

  test('login: 200 token, wrong password 401, throttled 429 with Retry-After', async () => {
    const customer = await newCustomer(c.api);
    const ok = await c.api.post('/api/v1/auth/token', {
      body: { email: customer.email, password: 'correct-horse-1' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.token_type, 'Bearer');
    assert.equal(ok.body.expires_in, 3600);
    assert.equal(ok.body.user.id, customer.id);
    for (let i = 0; i < 5; i++) {
      assertProblem(
        await c.api.post('/api/v1/auth/token', { body: { email: customer.email, password: 'wrong-pass' } }),
        401,
      );
    }
    const throttled = await c.api.post('/api/v1/auth/token', {
      body: { email: customer.email, password: 'wrong-pass' },
    });
    assertProblem(throttled, 429);
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
    assertProblem(
      await c.api.post('/api/v1/auth/token', { body: { email: 'nobody@x.test', password: 'whatever1' } }),
      401,
    );
  });

  test('bearer tokens: missing, malformed, forged all 401', async () => {
    assertProblem(await c.api.get('/api/v1/users/me'), 401);
    assertProblem(await c.api.get('/api/v1/users/me', { headers: { authorization: 'Basic abc' } }), 401);
    assertProblem(await c.api.get('/api/v1/users/me', { token: 'not.a.jwt' }), 401);
    const [h, p] = c.admin.split('.');
    assertProblem(await c.api.get('/api/v1/users/me', { token: `${h}.${p}.forgedsignature` }), 401);
  });

  test('me, get by id (owner/admin/403), list (admin/403), bad uuid 400, unknown 404', async () => {
    const a = await newCustomer(c.api);
    const b = await newCustomer(c.api);
    const me = await c.api.get('/api/v1/users/me', { token: a.token });
    assert.equal(me.body.id, a.id);
    assert.equal((await c.api.get(`/api/v1/users/${a.id}`, { token: a.token })).status, 200);
    assert.equal((await c.api.get(`/api/v1/users/${a.id}`, { token: c.admin })).status, 200);
    assertProblem(await c.api.get(`/api/v1/users/${a.id}`, { token: b.token }), 403);
    assertProblem(await c.api.get('/api/v1/users/not-a-uuid', { token: c.admin }), 400);
    assertProblem(
      await c.api.get('/api/v1/users/01900000-0000-7000-8000-000000000000', { token: c.admin }),
      404,
    );
    const list = await c.api.get('/api/v1/users?limit=2&page=1', { token: c.admin });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 2);
    assert.equal(list.body.limit, 2);
    assert.ok(list.body.total >= 3);
    assertProblem(await c.api.get('/api/v1/users', { token: a.token }), 403);
    assertProblem(await c.api.get('/api/v1/users?limit=101', { token: c.admin }), 400);
  });

  test('patch: owner changes name/password, role only by admin, duplicate email 409', async () => {
    const a = await newCustomer(c.api);
    const b = await newCustomer(c.api);
    const renamed = await c.api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: { name: 'Renamed' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Renamed');
    assertProblem(
      await c.api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: { role: 'admin' } }),
      403,
    );
    assertProblem(await c.api.patch(`/api/v1/users/${b.id}`, { token: a.token, body: { name: 'x' } }), 403);
    assertProblem(
      await c.api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: { email: b.email } }),
      409,
    );
    assertProblem(await c.api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: {} }), 400);
    const promoted = await c.api.patch(`/api/v1/users/${a.id}`, {
      token: c.admin,
      body: { role: 'admin' },
    });
    assert.equal(promoted.body.role, 'admin');
    await c.api.patch(`/api/v1/users/${b.id}`, { token: b.token, body: { password: 'new-password-2' } });
    assert.equal(
      (await c.api.post('/api/v1/auth/token', { body: { email: b.email, password: 'new-password-2' } }))
        .status,
      200,
    );
  });

  test('delete: 204, the token stops working, the cart goes, orders stay', async () => {
    const a = await newCustomer(c.api);
    const product = await newProduct(c.api, c.admin, { stock: 5 });
    await c.api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'before-delete' },
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    await c.api.put(`/api/v1/users/${a.id}/cart/items/${product.id}`, {
      token: a.token,
      body: { quantity: 2 },
    });
    assert.equal((await c.api.delete(`/api/v1/users/${a.id}`, { token: a.token })).status, 204);
    assertProblem(await c.api.get('/api/v1/users/me', { token: a.token }), 401);
    assertProblem(await c.api.get(`/api/v1/users/${a.id}`, { token: c.admin }), 404);
    const cart = await c.api.get(`/api/v1/users/${a.id}/cart`, { token: c.admin });
    assert.deepEqual(cart.body.items, []);
    const orders = await c.api.get(`/api/v1/users/${a.id}/orders`, { token: c.admin });
    assert.equal(orders.body.total, 1);
  });
});
