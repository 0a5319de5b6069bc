import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { newCustomer, newProduct } from '../support/app.js';
import { assertProblem, contractTarget } from './contract-target.js';

// The OWASP API Security Top 10 (2023), item by item, as a client of any entrypoint sees it (this
// file runs in process and through a cluster's nginx). ADR 20 says what covers each item; the
// items that need a setting of their own are in test/integration/security-settings.test.ts.
const c = contractTarget();

/** An HS256 JWT signed with `key` (a key the server does not have, in these tests). */
function jwt(payload: object, key: string | null): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = part({ alg: key === null ? 'none' : 'HS256', typ: 'JWT' });
  const body = part(payload);
  if (key === null) return `${head}.${body}.`;
  return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
}

/** Every key of a JSON value, however deep. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

async function orderFor(token: string, productId: string) {
  const reply = await c.api.post('/api/v1/orders', {
    token,
    headers: { 'idempotency-key': `sec-${Date.now()}-${Math.random()}` },
    body: { items: [{ product_id: productId, quantity: 1 }] },
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body;
}

describe('API1 object-level authorization: another user’s objects are refused, never shown', () => {
  test('cart, orders, user and notifications of another customer: 403 or 404, no data', async () => {
    const anna = await newCustomer(c.api);
    const boris = await newCustomer(c.api);
    const product = await newProduct(c.api, c.admin, { stock: 50 });
    await c.api.put(`/api/v1/users/${boris.id}/cart/items/${product.id}`, {
      token: boris.token,
      body: { quantity: 2 },
    });
    const order = await orderFor(boris.token, product.id);
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/users/${boris.id}`],
      ['PATCH', `/api/v1/users/${boris.id}`, { name: 'Mallory' }],
      ['DELETE', `/api/v1/users/${boris.id}`],
      ['GET', `/api/v1/users/${boris.id}/cart`],
      ['PUT', `/api/v1/users/${boris.id}/cart/items/${product.id}`, { quantity: 9 }],
      ['DELETE', `/api/v1/users/${boris.id}/cart/items/${product.id}`],
      ['DELETE', `/api/v1/users/${boris.id}/cart`],
      ['GET', `/api/v1/users/${boris.id}/orders`],
      ['GET', `/api/v1/orders/${order.id}`],
      ['PATCH', `/api/v1/orders/${order.id}`, { status: 'cancelled' }],
      ['GET', `/api/v1/users/${boris.id}/notifications`],
      ['POST', '/api/v1/orders', { user_id: boris.id, items: [{ product_id: product.id, quantity: 1 }] }],
    ];
    for (const [method, path, body] of attempts) {
      const reply = await c.api.call(method, path, {
        token: anna.token,
        body,
        headers: { 'idempotency-key': `bola-${Math.random()}` },
      });
      assert.ok([403, 404].includes(reply.status), `${method} ${path}: ${reply.status}`);
      assertProblem(reply, reply.status);
      const text = JSON.stringify(reply.body);
      assert.ok(!text.includes(boris.email) && !text.includes('"items"'), `${method} ${path} shows data`);
    }
    // Nothing changed: Boris's cart, order and account are as he left them.
    const cart = await c.api.get(`/api/v1/users/${boris.id}/cart`, { token: boris.token });
    assert.deepEqual(
      cart.body.items.map((i: { quantity: number }) => i.quantity),
      [2],
    );
    const still = await c.api.get(`/api/v1/orders/${order.id}`, { token: boris.token });
    assert.equal(still.body.status, 'pending_payment');
    assert.equal((await c.api.get('/api/v1/users/me', { token: boris.token })).body.name, 'Shopper');
  });
});

describe('API2 broken authentication: only a live token the server signed works', () => {
  test('forged, alg none, wrong-key, malformed, unversioned tokens: 401', async () => {
    const anna = await newCustomer(c.api);
    const claims = { sub: anna.id, role: 'admin', ver: 1, iat: Math.floor(Date.now() / 1000) };
    const [head, , signature] = anna.token.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    for (const [what, token] of [
      ['alg none', jwt(claims, null)],
      ['a key the server does not have', jwt(claims, randomBytes(32).toString('hex'))],
      ['claims changed under the signature', tampered],
      ['not a JWT', 'not-a-token'],
      ['empty signature', `${head}.${anna.token.split('.')[1]}.`],
    ]) {
      for (const path of ['/api/v1/users/me', '/api/v1/users']) {
        const reply = await c.api.get(path, { token });
        assert.equal(reply.status, 401, `${what}: ${path}`);
        assertProblem(reply, 401);
      }
    }
  });

  test('a password change ends the sessions opened before it; a deleted user’s token stops at once', async () => {
    const anna = await newCustomer(c.api);
    const second = await c.api.post('/api/v1/auth/token', {
      body: { email: anna.email, password: 'correct-horse-1' },
    });
    const changed = await c.api.patch(`/api/v1/users/${anna.id}`, {
      token: anna.token,
      body: { password: 'a-new-password-2' },
    });
    assert.equal(changed.status, 200);
    assertProblem(await c.api.get('/api/v1/users/me', { token: anna.token }), 401);
    assertProblem(await c.api.get('/api/v1/users/me', { token: second.body.token }), 401);
    assertProblem(
      await c.api.post('/api/v1/auth/token', { body: { email: anna.email, password: 'correct-horse-1' } }),
      401,
    );
    const fresh = await c.api.post('/api/v1/auth/token', {
      body: { email: anna.email, password: 'a-new-password-2' },
    });
    assert.equal((await c.api.get('/api/v1/users/me', { token: fresh.body.token })).status, 200);
    assert.equal((await c.api.delete(`/api/v1/users/${anna.id}`, { token: fresh.body.token })).status, 204);
    assertProblem(await c.api.get('/api/v1/users/me', { token: fresh.body.token }), 401);
  });
});

describe('API3 object property level authorization', () => {
  test('a customer cannot assign role, version, stock or price; unknown properties are refused', async () => {
    const anna = await newCustomer(c.api);
    const product = await newProduct(c.api, c.admin);
    assertProblem(
      await c.api.post('/api/v1/users', {
        body: { email: `x${Date.now()}@example.test`, password: 'long-enough', name: 'X', role: 'admin' },
      }),
      400,
    );
    assertProblem(
      await c.api.patch(`/api/v1/users/${anna.id}`, { token: anna.token, body: { role: 'admin' } }),
      403,
    );
    for (const body of [{ stock: 0 }, { version: 99 }, { price: 1 }]) {
      const reply = await c.api.patch(`/api/v1/products/${product.id}`, { token: anna.token, body });
      assert.ok([400, 403].includes(reply.status), JSON.stringify(body));
    }
    // Even an admin cannot set the version: it is the server's.
    assertProblem(
      await c.api.patch(`/api/v1/products/${product.id}`, { token: c.admin, body: { version: 99 } }),
      400,
    );
    assertProblem(
      await c.api.put(`/api/v1/users/${anna.id}/cart/items/${product.id}`, {
        token: anna.token,
        body: { quantity: 1, unit_price: 1 },
      }),
      400,
    );
    const me = await c.api.get('/api/v1/users/me', { token: anna.token });
    assert.equal(me.body.role, 'customer');
    const after = await c.api.get(`/api/v1/products/${product.id}`);
    assert.deepEqual([after.body.stock, after.body.price], [product.stock, product.price]);
  });

  test('no response carries a password or its hash, nor another user’s email', async () => {
    const anna = await newCustomer(c.api);
    const boris = await newCustomer(c.api);
    const product = await newProduct(c.api, c.admin);
    const order = await orderFor(anna.token, product.id);
    const replies = [
      await c.api.post('/api/v1/auth/token', { body: { email: anna.email, password: 'correct-horse-1' } }),
      await c.api.get('/api/v1/users/me', { token: anna.token }),
      await c.api.get(`/api/v1/users/${anna.id}`, { token: anna.token }),
      await c.api.get(`/api/v1/orders/${order.id}`, { token: anna.token }),
      await c.api.get(`/api/v1/users/${anna.id}/orders`, { token: anna.token }),
      await c.api.get(`/api/v1/users/${anna.id}/cart`, { token: anna.token }),
      await c.api.get(`/api/v1/products/${product.id}`, { token: anna.token }),
      await c.api.get('/api/v1/users?limit=100', { token: c.admin }),
    ];
    for (const reply of replies) {
      assert.ok(reply.status < 300, String(reply.status));
      assert.ok(!keysOf(reply.body).some((k) => /password|hash|secret/i.test(k)), JSON.stringify(reply.body));
    }
    for (const reply of replies.slice(0, -1)) assert.ok(!JSON.stringify(reply.body).includes(boris.email));
  });
});

describe('API4 unrestricted resource consumption: every input has a bound', () => {
  test('page size, body size, string and array lengths, search length, attribute count', async () => {
    const anna = await newCustomer(c.api);
    assertProblem(await c.api.get('/api/v1/products?limit=101'), 400);
    assertProblem(await c.api.get('/api/v1/products?page=100001'), 400);
    assertProblem(await c.api.get(`/api/v1/products?search=${'а'.repeat(201)}`), 400);
    assertProblem(await c.api.get(`/api/v1/products?category=${'x'.repeat(101)}`), 400);
    assertProblem(await c.api.get('/api/v1/users?limit=1000', { token: c.admin }), 400);
    const big = 'x'.repeat(1024 * 1024 + 10);
    assertProblem(
      await c.api.post('/api/v1/users', {
        raw: JSON.stringify({ name: big }),
        headers: { 'content-type': 'application/json' },
      }),
      413,
    );
    assertProblem(
      await c.api.patch(`/api/v1/users/${anna.id}`, { token: anna.token, body: { name: 'n'.repeat(201) } }),
      400,
    );
    const items = Array.from({ length: 101 }, () => ({ product_id: anna.id, quantity: 1 }));
    assertProblem(
      await c.api.post('/api/v1/orders', {
        token: anna.token,
        headers: { 'idempotency-key': 'k' },
        body: { items },
      }),
      400,
    );
    const attributes = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i]));
    assertProblem(
      await c.api.post('/api/v1/products', {
        token: c.admin,
        body: { sku: `A-${Date.now()}`, name: 'n', category: 'c', price: 1, stock: 1, attributes },
      }),
      400,
    );
    assertProblem(
      await c.api.post('/api/v1/orders', {
        token: anna.token,
        headers: { 'idempotency-key': 'k'.repeat(256) },
        body: {},
      }),
      400,
    );
  });

  test('login is throttled per email and address: 429 with Retry-After', async () => {
    const anna = await newCustomer(c.api);
    let last = 0;
    for (let i = 0; i < 6; i++) {
      last = (await c.api.post('/api/v1/auth/token', { body: { email: anna.email, password: 'wrong-one' } }))
        .status;
    }
    assert.equal(last, 429);
  });
});

describe('API5 function-level authorization: every admin operation refused to a customer', () => {
  test('the document’s admin operations, each tried with a customer token: 403', async () => {
    const anna = await newCustomer(c.api);
    const product = await newProduct(c.api, c.admin);
    const order = await orderFor(anna.token, product.id);
    const tried: Record<string, [string, unknown?]> = {
      'get /api/v1/users': ['/api/v1/users'],
      'post /api/v1/products': [
        '/api/v1/products',
        { sku: `F-${Date.now()}`, name: 'n', category: 'c', price: 1, stock: 1 },
      ],
      'patch /api/v1/products/{id}': [`/api/v1/products/${product.id}`, { name: 'mine now' }],
      'delete /api/v1/products/{id}': [`/api/v1/products/${product.id}`],
      'delete /api/v1/orders/{id}': [`/api/v1/orders/${order.id}`],
    };
    const doc = (await c.api.get('/openapi.json')).body;
    const adminOperations = Object.entries(doc.paths as Record<string, Record<string, { summary?: string }>>)
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, op]) => /\(admin\)/.test(op.summary ?? ''))
          .map(([method]) => `${method} ${path}`),
      )
      .sort();
    assert.deepEqual(adminOperations, Object.keys(tried).sort(), 'every admin operation is tried');
    for (const [operation, [path, body]] of Object.entries(tried)) {
      const method = operation.split(' ')[0]!.toUpperCase();
      assertProblem(await c.api.call(method, path, { token: anna.token, body }), 403);
    }
    // Admin-only parts of shared operations: a role change, shipping an order.
    assertProblem(
      await c.api.patch(`/api/v1/users/${anna.id}`, { token: anna.token, body: { role: 'admin' } }),
      403,
    );
    await c.api.patch(`/api/v1/orders/${order.id}`, { token: anna.token, body: { status: 'paid' } });
    assertProblem(
      await c.api.patch(`/api/v1/orders/${order.id}`, { token: anna.token, body: { status: 'shipped' } }),
      403,
    );
    assert.equal((await c.api.get(`/api/v1/products/${product.id}`)).body.name, product.name);
  });
});

describe('API6 sensitive business flows: idempotency keys are each user’s own', () => {
  test('another user’s key neither replays their order nor reveals that it was used', async () => {
    const anna = await newCustomer(c.api);
    const boris = await newCustomer(c.api);
    const product = await newProduct(c.api, c.admin, { stock: 20 });
    const key = `shared-${Date.now()}`;
    const body = { items: [{ product_id: product.id, quantity: 1 }] };
    const annas = await c.api.post('/api/v1/orders', {
      token: anna.token,
      headers: { 'idempotency-key': key },
      body,
    });
    assert.equal(annas.status, 201);
    const same = await c.api.post('/api/v1/orders', {
      token: boris.token,
      headers: { 'idempotency-key': key },
      body,
    });
    assert.equal(same.status, 201);
    assert.notEqual(same.body.id, annas.body.id);
    assert.equal(same.body.user_id, boris.id);
    assert.equal(same.headers.get('idempotent-replayed'), null);
    const other = await c.api.post('/api/v1/orders', {
      token: boris.token,
      headers: { 'idempotency-key': `${key}-b` },
      body: { items: [{ product_id: product.id, quantity: 2 }] },
    });
    assert.equal(other.status, 201);
    const probe = await c.api.post('/api/v1/orders', {
      token: anna.token,
      headers: { 'idempotency-key': `${key}-b` },
      body: { items: [{ product_id: product.id, quantity: 3 }] },
    });
    assert.equal(probe.status, 201, 'a key only Boris used is free for Anna: no 409 tells her he used it');
  });
});

describe('API7 server-side request forgery: no input names a place the server goes to', () => {
  test('no parameter or body property of the document is a URL or a host', async () => {
    const doc = (await c.api.get('/openapi.json')).body;
    const text = JSON.stringify({ paths: doc.paths, components: doc.components });
    assert.doesNotMatch(text, /"format":"(uri|url|hostname|ipv4|ipv6|uri-reference)"/);
    assert.doesNotMatch(text, /"(url|uri|callback|webhook|host|endpoint)"\s*:/i);
  });
});

describe('API8 security misconfiguration', () => {
  test('security headers on every response, no version banners, no stack traces', async () => {
    const anna = await newCustomer(c.api);
    const replies = [
      await c.api.get('/api/v1/products?limit=1'),
      await c.api.get('/api/v1/users/me', { token: anna.token }),
      await c.api.get('/api/v1/users/me'),
      await c.api.get('/no/such/path'),
      await c.api.put('/api/v1/orders'),
      await c.api.post('/api/v1/users', { raw: '{"broken', headers: { 'content-type': 'application/json' } }),
      await c.api.get('/health'),
    ];
    for (const reply of replies) {
      const h = reply.headers;
      assert.equal(h.get('x-content-type-options'), 'nosniff');
      assert.equal(h.get('x-frame-options'), 'DENY');
      assert.match(h.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(h.get('referrer-policy'), 'no-referrer');
      assert.equal(h.get('x-powered-by'), null);
      assert.match(h.get('server') ?? 'none', /^(none|nginx)$/, 'no version in Server');
      assert.doesNotMatch(JSON.stringify(reply.body), /node_modules|\.ts:\d+|\.js:\d+|Error:/);
    }
    assert.equal(replies[1]!.headers.get('cache-control'), 'no-store', 'a user’s data is not cached');
  });

  test('CORS stays closed: another origin gets no Access-Control-Allow-Origin, preflight is refused', async () => {
    const origin = { origin: 'https://evil.example' };
    const simple = await c.api.get('/api/v1/products?limit=1', { headers: origin });
    assert.equal(simple.headers.get('access-control-allow-origin'), null);
    const preflight = await c.api.call('OPTIONS', '/api/v1/orders', {
      headers: { ...origin, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assertProblem(preflight, 405);
  });

  test('a method the path does not have: 405 with Allow', async () => {
    const reply = await c.api.put('/api/v1/orders');
    assertProblem(reply, 405);
    assert.equal(reply.headers.get('allow'), 'POST');
    const me = await c.api.delete('/api/v1/users/me');
    assertProblem(me, 405);
    assert.equal(me.headers.get('allow'), 'GET, HEAD');
  });
});

describe('API9 improper inventory: only /api/v1 and the documented operator paths answer', () => {
  test('every documented path is /api/v1 or an operator path; other versions and guesses are 404', async () => {
    const doc = (await c.api.get('/openapi.json')).body;
    for (const path of Object.keys(doc.paths)) {
      assert.match(path, /^(\/api\/v1\/|\/health$|\/ready$|\/metrics$|\/client\/info$)/, path);
    }
    for (const path of [
      '/api/v2/products',
      '/api/v0/products',
      '/api/products',
      '/v1/products',
      '/api/v1/admin',
      '/admin',
      '/.env',
      '/debug',
      '/api/v1/internal/users',
      '/server-status',
    ]) {
      assertProblem(await c.api.get(path, { token: c.admin }), 404);
    }
    assert.equal((await c.api.get('/docs')).status < 400, true, '/docs, named in the document, answers');
  });
});
