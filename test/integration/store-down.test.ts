import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { newProduct, startTestApp, type TestApp } from '../support/app.js';

// The database goes away under a running instance: clear 503s with Retry-After, never a hang.
let db: TestDatabase;
let t: TestApp;
let productId: string;

before(async () => {
  db = await startTestDatabase();
  t = await startTestApp(db.url);
  productId = (await newProduct(t.client, t.adminToken)).id;
  await db.stop();
});
after(async () => {
  await t?.close();
});

test('reads and writes answer 503 problem+json with Retry-After', async () => {
  for (const reply of [
    await t.client.get(`/api/v1/products/${productId}`),
    await t.client.get('/api/v1/products?search=test'),
    await t.client.post('/api/v1/users', { body: { email: 'x@y.test', password: 'long-enough', name: 'X' } }),
    await t.client.get('/api/v1/users/me', { token: t.adminToken }),
  ]) {
    assert.equal(reply.status, 503, JSON.stringify(reply.body));
    assert.match(reply.headers.get('content-type') ?? '', /problem\+json/);
    assert.ok(Number(reply.headers.get('retry-after')) > 0);
    assert.doesNotMatch(JSON.stringify(reply.body), /ECONNREFUSED|127\.0\.0\.1/);
  }
});

test('/ready says which store is down; /health stays 200', async () => {
  const ready = await t.client.get('/ready');
  assert.equal(ready.status, 503);
  assert.deepEqual(ready.body, { status: 'unavailable', stores: { postgres: 'down' } });
  assert.equal((await t.client.get('/health')).status, 200);
});
