import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, newCustomer, newProduct, startTestApp, type TestApp } from '../support/app.js';
import { Client } from '../support/http.js';

// The whole contract of api.md. By default against an instance of its own on a fresh database;
// with BAZAAR_TEST_TARGET (and BAZAAR_TEST_ADMIN_PASSWORD) against any running entrypoint, such
// as a cluster's nginx.
const target = process.env.BAZAAR_TEST_TARGET;
let db: TestDatabase | undefined;
let t: TestApp | undefined;
let api: Client;
let admin: string;
let adminCredentials = ADMIN;

/** The instance ids a reply may carry: this suite's own instance, or a cluster's. */
const SERVED_BY = target ? /^api:\d+$/ : /^test-1$/;

before(async () => {
  if (target) {
    api = new Client(target);
    adminCredentials = {
      email: process.env.BAZAAR_TEST_ADMIN_EMAIL ?? 'admin@bazaar.local',
      password: process.env.BAZAAR_TEST_ADMIN_PASSWORD ?? '',
    };
    admin = (await api.post('/api/v1/auth/token', { body: adminCredentials })).body.token;
    return;
  }
  db = await startTestDatabase();
  t = await startTestApp(db.url);
  api = t.client;
  admin = t.adminToken;
});
after(async () => {
  await t?.close();
  await db?.stop();
});

function assertProblem(reply: { status: number; headers: Headers; body: any }, status: number) {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(reply.body.status, status);
  assert.equal(typeof reply.body.title, 'string');
  assert.equal(typeof reply.body.type, 'string');
  assert.doesNotMatch(JSON.stringify(reply.body), /at .*\.(ts|js):\d+|SELECT|INSERT/);
}

describe('general', () => {
  test('every response carries X-Request-Id (echoed) and X-Served-By', async () => {
    const reply = await api.get('/health', { headers: { 'x-request-id': 'req-123' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('x-request-id'), 'req-123');
    assert.match(reply.headers.get('x-served-by') ?? '', SERVED_BY);
    const generated = await api.get('/api/v1/nope');
    assert.ok(generated.headers.get('x-request-id'));
    assertProblem(generated, 404);
  });

  test('/ready reports each store; /metrics is Prometheus text with routes and store latency', async () => {
    const ready = await api.get('/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');
    // PostgreSQL always; Redis too when the carts live there, Cassandra when the catalog does.
    assert.equal(ready.body.stores.postgres, 'up');
    if (process.env.BAZAAR_TEST_REDIS_URL) assert.equal(ready.body.stores.redis, 'up');
    if (process.env.BAZAAR_TEST_CASSANDRA_CONTACT_POINTS) assert.equal(ready.body.stores.cassandra, 'up');
    for (const [store, state] of Object.entries(ready.body.stores)) assert.equal(state, 'up', store);
    // Behind a balancer each instance has its own registry: make sure this one served a list.
    let metrics = await api.get('/metrics');
    for (
      let i = 0;
      i < 8 && !metrics.body.includes('route="/api/v1/products",method="GET",status="200"');
      i++
    ) {
      // i + 1 lists before each look, so that a strict round-robin cannot keep them apart.
      for (let j = 0; j <= i; j++) await api.get('/api/v1/products?limit=1');
      metrics = await api.get('/metrics');
    }
    assert.equal(metrics.status, 200);
    assert.match(
      metrics.body,
      /bazaar_http_requests_total\{route="\/api\/v1\/products",method="GET",status="200"\}/,
    );
    assert.match(metrics.body, /bazaar_http_request_duration_seconds_bucket/);
    assert.match(metrics.body, /bazaar_store_operation_duration_seconds_count\{store="postgres"/);
    assert.match(metrics.body, /process_cpu_seconds_total/);
  });

  test('/openapi.json documents every route; /docs serves the interactive docs', async () => {
    const doc = await api.get('/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    for (const path of [
      '/api/v1/users',
      '/api/v1/auth/token',
      '/api/v1/users/me',
      '/api/v1/users/{id}',
      '/api/v1/products',
      '/api/v1/products/{id}',
      '/api/v1/users/{userId}/cart',
      '/api/v1/users/{userId}/cart/items/{productId}',
      '/api/v1/orders',
      '/api/v1/orders/{id}',
      '/api/v1/users/{userId}/orders',
      '/client/info',
    ]) {
      assert.ok(doc.body.paths[path], `missing ${path}`);
    }
    const docs = await api.get('/docs/');
    assert.equal(docs.status, 200);
    assert.match(docs.body, /swagger/i);
  });

  test('/client/info describes the client', async () => {
    const reply = await api.get('/client/info', {
      headers: {
        'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
        'accept-language': 'ru-RU,ru;q=0.9',
      },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.device, 'mobile');
    assert.equal(reply.body.accept_language, 'ru-RU,ru;q=0.9');
    assert.match(reply.body.served_by, SERVED_BY);
    assert.equal(reply.body.ip, '127.0.0.1');
  });

  test('malformed JSON 400, not JSON 415, too large 413', async () => {
    assertProblem(
      await api.post('/api/v1/users', { raw: '{"email":', headers: { 'content-type': 'application/json' } }),
      400,
    );
    assertProblem(
      await api.post('/api/v1/users', { raw: 'email=a', headers: { 'content-type': 'text/plain' } }),
      415,
    );
    const huge = JSON.stringify({ email: 'a@b.cd', password: 'x'.repeat(1024 * 1024 + 10), name: 'n' });
    assertProblem(
      await api.post('/api/v1/users', { raw: huge, headers: { 'content-type': 'application/json' } }),
      413,
    );
  });
});

describe('users and auth', () => {
  test('register, duplicate email (any case) 409, validation 400 with paths', async () => {
    const email = `Case${Date.now()}@Example.test`;
    const created = await api.post('/api/v1/users', {
      body: { email, password: 'long-enough', name: 'Ann' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.role, 'customer');
    assert.equal(created.body.password_hash, undefined);
    assert.equal(created.body.password, undefined);
    assertProblem(
      await api.post('/api/v1/users', {
        body: { email: email.toLowerCase(), password: 'long-enough', name: 'Ann' },
      }),
      409,
    );
    const bad = await api.post('/api/v1/users', {
      body: { email: 'not-an-email', password: 'short', extra: 1 },
    });
    assertProblem(bad, 400);
    const paths = bad.body.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['/email', '/extra', '/name', '/password']);
  });

  test('login: 200 token, wrong password 401, throttled 429 with Retry-After', async () => {
    const customer = await newCustomer(api);
    const ok = await api.post('/api/v1/auth/token', {
      body: { email: customer.email, password: 'correct-horse-1' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.token_type, 'Bearer');
    assert.equal(ok.body.expires_in, 3600);
    assert.equal(ok.body.user.id, customer.id);
    for (let i = 0; i < 5; i++) {
      assertProblem(
        await api.post('/api/v1/auth/token', { body: { email: customer.email, password: 'wrong-pass' } }),
        401,
      );
    }
    const throttled = await api.post('/api/v1/auth/token', {
      body: { email: customer.email, password: 'wrong-pass' },
    });
    assertProblem(throttled, 429);
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
    assertProblem(
      await api.post('/api/v1/auth/token', { body: { email: 'nobody@x.test', password: 'whatever1' } }),
      401,
    );
  });

  test('bearer tokens: missing, malformed, forged all 401', async () => {
    assertProblem(await api.get('/api/v1/users/me'), 401);
    assertProblem(await api.get('/api/v1/users/me', { headers: { authorization: 'Basic abc' } }), 401);
    assertProblem(await api.get('/api/v1/users/me', { token: 'not.a.jwt' }), 401);
    const [h, p] = admin.split('.');
    assertProblem(await api.get('/api/v1/users/me', { token: `${h}.${p}.forgedsignature` }), 401);
  });

  test('me, get by id (owner/admin/403), list (admin/403), bad uuid 400, unknown 404', async () => {
    const a = await newCustomer(api);
    const b = await newCustomer(api);
    const me = await api.get('/api/v1/users/me', { token: a.token });
    assert.equal(me.body.id, a.id);
    assert.equal((await api.get(`/api/v1/users/${a.id}`, { token: a.token })).status, 200);
    assert.equal((await api.get(`/api/v1/users/${a.id}`, { token: admin })).status, 200);
    assertProblem(await api.get(`/api/v1/users/${a.id}`, { token: b.token }), 403);
    assertProblem(await api.get('/api/v1/users/not-a-uuid', { token: admin }), 400);
    assertProblem(await api.get('/api/v1/users/01900000-0000-7000-8000-000000000000', { token: admin }), 404);
    const list = await api.get('/api/v1/users?limit=2&page=1', { token: admin });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 2);
    assert.equal(list.body.limit, 2);
    assert.ok(list.body.total >= 3);
    assertProblem(await api.get('/api/v1/users', { token: a.token }), 403);
    assertProblem(await api.get('/api/v1/users?limit=101', { token: admin }), 400);
  });

  test('patch: owner changes name/password, role only by admin, duplicate email 409', async () => {
    const a = await newCustomer(api);
    const b = await newCustomer(api);
    const renamed = await api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: { name: 'Renamed' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Renamed');
    assertProblem(await api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: { role: 'admin' } }), 403);
    assertProblem(await api.patch(`/api/v1/users/${b.id}`, { token: a.token, body: { name: 'x' } }), 403);
    assertProblem(
      await api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: { email: b.email } }),
      409,
    );
    assertProblem(await api.patch(`/api/v1/users/${a.id}`, { token: a.token, body: {} }), 400);
    const promoted = await api.patch(`/api/v1/users/${a.id}`, { token: admin, body: { role: 'admin' } });
    assert.equal(promoted.body.role, 'admin');
    await api.patch(`/api/v1/users/${b.id}`, { token: b.token, body: { password: 'new-password-2' } });
    assert.equal(
      (await api.post('/api/v1/auth/token', { body: { email: b.email, password: 'new-password-2' } })).status,
      200,
    );
  });

  test('delete: 204, the token stops working, the cart goes, orders stay', async () => {
    const a = await newCustomer(api);
    const product = await newProduct(api, admin, { stock: 5 });
    await api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'before-delete' },
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    await api.put(`/api/v1/users/${a.id}/cart/items/${product.id}`, {
      token: a.token,
      body: { quantity: 2 },
    });
    assert.equal((await api.delete(`/api/v1/users/${a.id}`, { token: a.token })).status, 204);
    assertProblem(await api.get('/api/v1/users/me', { token: a.token }), 401);
    assertProblem(await api.get(`/api/v1/users/${a.id}`, { token: admin }), 404);
    const cart = await api.get(`/api/v1/users/${a.id}/cart`, { token: admin });
    assert.deepEqual(cart.body.items, []);
    const orders = await api.get(`/api/v1/users/${a.id}/orders`, { token: admin });
    assert.equal(orders.body.total, 1);
  });
});

describe('products', () => {
  test('create (admin) 201 with ETag; customer 403; anonymous 401; duplicate sku 409; bad body 400', async () => {
    const customer = await newCustomer(api);
    const body = {
      sku: `SKU-${Date.now()}`,
      name: 'Лампа',
      category: 'Свет',
      price: 99900,
      stock: 3,
      attributes: { watts: 9, dimmable: true },
    };
    const created = await api.post('/api/v1/products', { token: admin, body });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.equal(created.body.currency, 'RUB');
    assert.equal(created.body.version, 1);
    assert.deepEqual(created.body.attributes, { watts: 9, dimmable: true });
    assertProblem(await api.post('/api/v1/products', { token: admin, body }), 409);
    assertProblem(
      await api.post('/api/v1/products', { token: customer.token, body: { ...body, sku: 'other' } }),
      403,
    );
    assertProblem(await api.post('/api/v1/products', { body: { ...body, sku: 'other2' } }), 401);
    assertProblem(
      await api.post('/api/v1/products', { token: admin, body: { ...body, sku: 'x1', price: 10.5 } }),
      400,
    );
    assertProblem(
      await api.post('/api/v1/products', { token: admin, body: { ...body, sku: 'x2', price: '100' } }),
      400,
    );
    assertProblem(
      await api.post('/api/v1/products', { token: admin, body: { ...body, sku: 'x3', stock: -1 } }),
      400,
    );
    assertProblem(
      await api.post('/api/v1/products', {
        token: admin,
        body: { ...body, sku: 'x4', attributes: { nested: { a: 1 } } },
      }),
      400,
    );
  });

  test('get 200 with ETag, 304 on If-None-Match, 404 unknown, 400 bad id', async () => {
    const product = await newProduct(api, admin);
    const got = await api.get(`/api/v1/products/${product.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('etag'), '"1"');
    assert.equal(
      (await api.get(`/api/v1/products/${product.id}`, { headers: { 'if-none-match': '"1"' } })).status,
      304,
    );
    assertProblem(await api.get('/api/v1/products/01900000-0000-7000-8000-000000000000'), 404);
    assertProblem(await api.get('/api/v1/products/123'), 400);
  });

  test('patch bumps the version; a stale If-Match is 412; a bare version is accepted', async () => {
    const product = await newProduct(api, admin, { price: 1000 });
    const first = await api.patch(`/api/v1/products/${product.id}`, {
      token: admin,
      headers: { 'if-match': '"1"' },
      body: { price: 1500 },
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.version, 2);
    assert.equal(first.body.price, 1500);
    assert.equal(first.headers.get('etag'), '"2"');
    assertProblem(
      await api.patch(`/api/v1/products/${product.id}`, {
        token: admin,
        headers: { 'if-match': '"1"' },
        body: { price: 1 },
      }),
      412,
    );
    const bare = await api.patch(`/api/v1/products/${product.id}`, {
      token: admin,
      headers: { 'if-match': '2' },
      body: { name: 'New' },
    });
    assert.equal(bare.status, 200);
    assert.equal(
      (await api.patch(`/api/v1/products/${product.id}`, { token: admin, body: { stock: 7 } })).body.version,
      4,
    );
    assertProblem(
      await api.patch('/api/v1/products/01900000-0000-7000-8000-000000000000', {
        token: admin,
        body: { stock: 1 },
      }),
      404,
    );
    assertProblem(
      await api.patch(`/api/v1/products/${product.id}`, { token: admin, body: { unknown: 1 } }),
      400,
    );
  });

  test('delete: 204, then 404, gone from lists, cannot be ordered, sku reusable', async () => {
    const product = await newProduct(api, admin, { category: 'Удаляемое' });
    assert.equal((await api.delete(`/api/v1/products/${product.id}`, { token: admin })).status, 204);
    assertProblem(await api.get(`/api/v1/products/${product.id}`), 404);
    assertProblem(await api.delete(`/api/v1/products/${product.id}`, { token: admin }), 404);
    const list = await api.get(`/api/v1/products?category=${encodeURIComponent('Удаляемое')}`);
    assert.equal(list.body.total, 0);
    const customer = await newCustomer(api);
    assertProblem(
      await api.put(`/api/v1/users/${customer.id}/cart/items/${product.id}`, {
        token: customer.token,
        body: { quantity: 1 },
      }),
      404,
    );
    assertProblem(
      await api.post('/api/v1/orders', {
        token: customer.token,
        headers: { 'idempotency-key': 'deleted' },
        body: { items: [{ product_id: product.id, quantity: 1 }] },
      }),
      404,
    );
    assert.equal(
      (
        await api.post('/api/v1/products', {
          token: admin,
          body: { sku: product.sku, name: 'again', category: 'c', price: 1, stock: 1 },
        })
      ).status,
      201,
    );
  });

  test('list: filters, sorts, pagination without repeats, errors', async () => {
    const category = `Категория-${Date.now()}`;
    for (const price of [500, 100, 300, 300, 200])
      await newProduct(api, admin, { category, price, name: `P${price}` });
    const byPrice = await api.get(`/api/v1/products?category=${encodeURIComponent(category)}&sort=price`);
    assert.deepEqual(
      byPrice.body.items.map((p: any) => p.price),
      [100, 200, 300, 300, 500],
    );
    assert.equal(byPrice.body.total, 5);
    const desc = await api.get(
      `/api/v1/products?category=${encodeURIComponent(category)}&sort=price&sort_order=desc`,
    );
    assert.deepEqual(
      desc.body.items.map((p: any) => p.price),
      [500, 300, 300, 200, 100],
    );
    const ranged = await api.get(
      `/api/v1/products?category=${encodeURIComponent(category)}&min_price=200&max_price=300`,
    );
    assert.equal(ranged.body.total, 3);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const reply = await api.get(
        `/api/v1/products?category=${encodeURIComponent(category)}&sort=price&limit=2&page=${page}`,
      );
      assert.equal(reply.body.page, page);
      assert.equal(reply.body.limit, 2);
      seen.push(...reply.body.items.map((p: any) => p.id));
    }
    assert.equal(new Set(seen).size, 5);
    const beyond = await api.get(`/api/v1/products?category=${encodeURIComponent(category)}&page=9`);
    assert.deepEqual([beyond.body.items.length, beyond.body.total], [0, 5]);
    assertProblem(await api.get('/api/v1/products?sort=color'), 400);
    assertProblem(await api.get('/api/v1/products?limit=0'), 400);
    assertProblem(await api.get('/api/v1/products?page=abc'), 400);
    assertProblem(await api.get('/api/v1/products?min_price=5&max_price=1'), 400);
    assertProblem(await api.get('/api/v1/products?sort=relevance'), 400);
  });
});

describe('carts', () => {
  test('get empty, put (idempotent), current prices, remove, clear, 403/404/400', async () => {
    const a = await newCustomer(api);
    const b = await newCustomer(api);
    const p1 = await newProduct(api, admin, { price: 1000 });
    const p2 = await newProduct(api, admin, { price: 250 });
    const empty = await api.get(`/api/v1/users/${a.id}/cart`, { token: a.token });
    assert.deepEqual([empty.status, empty.body.items, empty.body.total], [200, [], 0]);
    await api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, { token: a.token, body: { quantity: 2 } });
    const twice = await api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, {
      token: a.token,
      body: { quantity: 2 },
    });
    assert.equal(twice.body.items[0].quantity, 2);
    const both = await api.put(`/api/v1/users/${a.id}/cart/items/${p2.id}`, {
      token: a.token,
      body: { quantity: 3 },
    });
    assert.equal(both.body.total, 2 * 1000 + 3 * 250);
    await api.patch(`/api/v1/products/${p1.id}`, { token: admin, body: { price: 1100, name: 'Renamed' } });
    const repriced = await api.get(`/api/v1/users/${a.id}/cart`, { token: a.token });
    const line = repriced.body.items.find((i: any) => i.product_id === p1.id);
    assert.deepEqual([line.unit_price, line.name, line.line_total], [1100, 'Renamed', 2200]);
    assert.equal(repriced.body.total, 2200 + 750);
    const removed = await api.delete(`/api/v1/users/${a.id}/cart/items/${p2.id}`, { token: a.token });
    assert.deepEqual(
      removed.body.items.map((i: any) => i.product_id),
      [p1.id],
    );
    assert.equal(
      (await api.delete(`/api/v1/users/${a.id}/cart/items/${p2.id}`, { token: a.token })).status,
      200,
    );
    assertProblem(await api.get(`/api/v1/users/${a.id}/cart`, { token: b.token }), 403);
    assertProblem(
      await api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, { token: a.token, body: { quantity: 0 } }),
      400,
    );
    assertProblem(
      await api.put(`/api/v1/users/${a.id}/cart/items/${p1.id}`, {
        token: a.token,
        body: { quantity: 1000 },
      }),
      400,
    );
    assertProblem(
      await api.put(`/api/v1/users/${a.id}/cart/items/01900000-0000-7000-8000-000000000000`, {
        token: a.token,
        body: { quantity: 1 },
      }),
      404,
    );
    assert.equal((await api.get(`/api/v1/users/${a.id}/cart`, { token: admin })).status, 200);
    assert.equal((await api.delete(`/api/v1/users/${a.id}/cart`, { token: a.token })).status, 204);
    assert.deepEqual((await api.get(`/api/v1/users/${a.id}/cart`, { token: a.token })).body.items, []);
  });
});

describe('orders', () => {
  test('checkout of the cart: 201, stock reserved, cart emptied; empty cart 400; missing key 400', async () => {
    const a = await newCustomer(api);
    const p = await newProduct(api, admin, { stock: 5, price: 700 });
    assertProblem(
      await api.post('/api/v1/orders', { token: a.token, headers: { 'idempotency-key': 'e1' }, body: {} }),
      400,
    );
    await api.put(`/api/v1/users/${a.id}/cart/items/${p.id}`, { token: a.token, body: { quantity: 2 } });
    assertProblem(await api.post('/api/v1/orders', { token: a.token, body: {} }), 400);
    assertProblem(
      await api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': 'k'.repeat(256) },
        body: {},
      }),
      400,
    );
    const order = await api.post('/api/v1/orders', {
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
    assert.equal((await api.get(`/api/v1/products/${p.id}`)).body.stock, 3);
    assert.deepEqual((await api.get(`/api/v1/users/${a.id}/cart`, { token: a.token })).body.items, []);
  });

  test('short stock 409 with short ids and nothing reserved; idempotent replay; key reuse 409', async () => {
    const a = await newCustomer(api);
    const plenty = await newProduct(api, admin, { stock: 10 });
    const scarce = await newProduct(api, admin, { stock: 1 });
    const short = await api.post('/api/v1/orders', {
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
    assert.equal((await api.get(`/api/v1/products/${plenty.id}`)).body.stock, 10);
    const body = { items: [{ product_id: plenty.id, quantity: 3 }] };
    const first = await api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'k' },
      body,
    });
    const again = await api.post('/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': 'k' },
      body,
    });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.id, first.body.id);
    assert.equal((await api.get(`/api/v1/products/${plenty.id}`)).body.stock, 7);
    assertProblem(
      await api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': 'k' },
        body: { items: [{ product_id: plenty.id, quantity: 1 }] },
      }),
      409,
    );
  });

  test('ordering for someone else: customer 403, admin allowed', async () => {
    const a = await newCustomer(api);
    const b = await newCustomer(api);
    const p = await newProduct(api, admin);
    const items = [{ product_id: p.id, quantity: 1 }];
    assertProblem(
      await api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': 'x' },
        body: { user_id: b.id, items },
      }),
      403,
    );
    const byAdmin = await api.post('/api/v1/orders', {
      token: admin,
      headers: { 'idempotency-key': 'x' },
      body: { user_id: b.id, items },
    });
    assert.equal(byAdmin.status, 201);
    assert.equal(byAdmin.body.user_id, b.id);
  });

  test('get, list newest first with status filter, 403 for strangers, 404 unknown', async () => {
    const a = await newCustomer(api);
    const b = await newCustomer(api);
    const p = await newProduct(api, admin, { stock: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = await api.post('/api/v1/orders', {
        token: a.token,
        headers: { 'idempotency-key': `l${i}` },
        body: { items: [{ product_id: p.id, quantity: 1 }] },
      });
      ids.push(o.body.id);
    }
    await api.patch(`/api/v1/orders/${ids[0]}`, { token: a.token, body: { status: 'paid' } });
    const list = await api.get(`/api/v1/users/${a.id}/orders`, { token: a.token });
    assert.deepEqual(
      list.body.items.map((o: any) => o.id),
      [...ids].reverse(),
    );
    assert.equal(list.body.total, 3);
    const paid = await api.get(`/api/v1/users/${a.id}/orders?status=paid`, { token: a.token });
    assert.deepEqual(
      paid.body.items.map((o: any) => o.id),
      [ids[0]],
    );
    assert.equal((await api.get(`/api/v1/orders/${ids[1]}`, { token: a.token })).status, 200);
    assertProblem(await api.get(`/api/v1/orders/${ids[1]}`, { token: b.token }), 403);
    assertProblem(await api.get(`/api/v1/users/${a.id}/orders`, { token: b.token }), 403);
    assertProblem(
      await api.get('/api/v1/orders/01900000-0000-7000-8000-000000000000', { token: a.token }),
      404,
    );
    assertProblem(await api.get(`/api/v1/users/${a.id}/orders?status=lost`, { token: a.token }), 400);
  });

  test('status graph over HTTP: pay, ship (admin), deliver, invalid 409, role 403, cancel releases once', async () => {
    const a = await newCustomer(api);
    const p = await newProduct(api, admin, { stock: 4 });
    const place = async (key: string) =>
      (
        await api.post('/api/v1/orders', {
          token: a.token,
          headers: { 'idempotency-key': key },
          body: { items: [{ product_id: p.id, quantity: 2 }] },
        })
      ).body;
    const o1 = await place('s1');
    assert.equal(
      (await api.patch(`/api/v1/orders/${o1.id}`, { token: a.token, body: { status: 'paid' } })).body.status,
      'paid',
    );
    assertProblem(
      await api.patch(`/api/v1/orders/${o1.id}`, { token: a.token, body: { status: 'shipped' } }),
      403,
    );
    assertProblem(
      await api.patch(`/api/v1/orders/${o1.id}`, { token: a.token, body: { status: 'cancelled' } }),
      403,
    );
    assertProblem(
      await api.patch(`/api/v1/orders/${o1.id}`, { token: admin, body: { status: 'delivered' } }),
      409,
    );
    const moved = await api.patch(`/api/v1/orders/${o1.id}`, {
      token: a.token,
      body: { shipping_address: { line1: 'Nevsky 2', city: 'SPb', country: 'RU' } },
    });
    assert.equal(moved.body.shipping_address.city, 'SPb');
    assert.equal(
      (await api.patch(`/api/v1/orders/${o1.id}`, { token: admin, body: { status: 'shipped' } })).body.status,
      'shipped',
    );
    assertProblem(
      await api.patch(`/api/v1/orders/${o1.id}`, {
        token: a.token,
        body: { shipping_address: { line1: 'x', city: 'y', country: 'RU' } },
      }),
      409,
    );
    assert.equal(
      (await api.patch(`/api/v1/orders/${o1.id}`, { token: admin, body: { status: 'delivered' } })).body
        .status,
      'delivered',
    );
    assert.equal((await api.get(`/api/v1/products/${p.id}`)).body.stock, 2);

    const o2 = await place('s2');
    assert.equal((await api.get(`/api/v1/products/${p.id}`)).body.stock, 0);
    assertProblem(await api.delete(`/api/v1/orders/${o2.id}`, { token: admin }), 409);
    assert.equal(
      (await api.patch(`/api/v1/orders/${o2.id}`, { token: a.token, body: { status: 'cancelled' } })).body
        .status,
      'cancelled',
    );
    assert.equal((await api.get(`/api/v1/products/${p.id}`)).body.stock, 2);
    assertProblem(
      await api.patch(`/api/v1/orders/${o2.id}`, { token: a.token, body: { status: 'cancelled' } }),
      409,
    );
    assertProblem(
      await api.patch(`/api/v1/orders/${o2.id}`, { token: admin, body: { status: 'paid' } }),
      409,
    );
    assert.equal((await api.get(`/api/v1/products/${p.id}`)).body.stock, 2, 'stock released exactly once');

    assertProblem(await api.delete(`/api/v1/orders/${o2.id}`, { token: a.token }), 403);
    assert.equal((await api.delete(`/api/v1/orders/${o2.id}`, { token: admin })).status, 204);
    assert.equal((await api.delete(`/api/v1/orders/${o1.id}`, { token: admin })).status, 204);
    assertProblem(await api.get(`/api/v1/orders/${o2.id}`, { token: admin }), 404);
    assertProblem(await api.patch(`/api/v1/orders/${o2.id}`, { token: admin, body: {} }), 400);
  });

  test('admin login from the configured credentials', async () => {
    const login = await api.post('/api/v1/auth/token', { body: adminCredentials });
    assert.equal(login.body.user.role, 'admin');
  });
});
