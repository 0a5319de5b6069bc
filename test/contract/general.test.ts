import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertProblem, contractTarget } from './contract-target.js';

const c = contractTarget();

describe('general', () => {
  test('every response carries X-Request-Id (echoed) and X-Served-By', async () => {
    const reply = await c.api.get('/health', { headers: { 'x-request-id': 'req-123' } });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('x-request-id'), 'req-123');
    assert.match(reply.headers.get('x-served-by') ?? '', c.servedBy);
    const generated = await c.api.get('/api/v1/nope');
    assert.ok(generated.headers.get('x-request-id'));
    assertProblem(generated, 404);
  });

  test('/ready reports each store; /metrics is Prometheus text with routes and store latency', async () => {
    const ready = await c.api.get('/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');
    // PostgreSQL always; Redis too when the carts live there, Cassandra when the catalog does.
    assert.equal(ready.body.stores.postgres, 'up');
    if (process.env.BAZAAR_TEST_REDIS_URL) assert.equal(ready.body.stores.redis, 'up');
    if (process.env.BAZAAR_TEST_CASSANDRA_CONTACT_POINTS) assert.equal(ready.body.stores.cassandra, 'up');
    for (const [store, state] of Object.entries(ready.body.stores)) assert.equal(state, 'up', store);
    // Behind a balancer each instance has its own registry: make sure this one served a list.
    let metrics = await c.api.get('/metrics');
    for (
      let i = 0;
      i < 8 && !metrics.body.includes('route="/api/v1/products",method="GET",status="200"');
      i++
    ) {
      // i + 1 lists before each look, so that a strict round-robin cannot keep them apart.
      for (let j = 0; j <= i; j++) await c.api.get('/api/v1/products?limit=1');
      metrics = await c.api.get('/metrics');
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
    const doc = await c.api.get('/openapi.json');
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
    const docs = await c.api.get('/docs/');
    assert.equal(docs.status, 200);
    assert.match(docs.body, /swagger/i);
    // Served over plain HTTP: a policy that upgrades the page's requests would break it on a LAN address.
    const policy = docs.headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self'/);
    assert.doesNotMatch(policy, /upgrade-insecure-requests/);
  });

  test('the document says what is sent: problem+json errors, an id and an example per operation', async () => {
    const doc = (await c.api.get('/openapi.json')).body;
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const name = `${method} ${path}`;
        assert.ok(op.operationId && !ids.has(op.operationId), `${name}: a unique operationId`);
        ids.add(op.operationId);
        assert.match(JSON.stringify(op), /"example/, `${name}: an example`);
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (Number(status) < 400) continue;
          assert.deepEqual(
            Object.keys(response.content ?? {}),
            ['application/problem+json'],
            `${name} ${status}`,
          );
          assert.notEqual(response.description, 'Default Response', `${name} ${status}: says when`);
        }
        if (path.startsWith('/api/')) assert.ok(op.responses['503'], `${name}: a store can be away`);
        for (const p of op.parameters ?? []) {
          if (p.in === 'query' && p.schema?.default !== undefined)
            assert.equal(p.required, false, `${name} ${p.name}`);
        }
      }
    }
    assert.ok(
      doc.paths['/api/v1/orders'].post.responses['201'].links.getOrdersById,
      'a created order links on',
    );
  });

  test('/client/info describes the client', async () => {
    const reply = await c.api.get('/client/info', {
      headers: {
        'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
        'accept-language': 'ru-RU,ru;q=0.9',
      },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.device, 'mobile');
    assert.equal(reply.body.accept_language, 'ru-RU,ru;q=0.9');
    assert.match(reply.body.served_by, c.servedBy);
    assert.equal(reply.body.ip, c.clientIp);
  });

  test('malformed JSON 400, not JSON 415, too large 413', async () => {
    assertProblem(
      await c.api.post('/api/v1/users', {
        raw: '{"email":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    assertProblem(
      await c.api.post('/api/v1/users', { raw: 'email=a', headers: { 'content-type': 'text/plain' } }),
      415,
    );
    const huge = JSON.stringify({ email: 'a@b.cd', password: 'x'.repeat(1024 * 1024 + 10), name: 'n' });
    assertProblem(
      await c.api.post('/api/v1/users', { raw: huge, headers: { 'content-type': 'application/json' } }),
      413,
    );
  });
});
