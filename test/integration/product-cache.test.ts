import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, newCustomer, newProduct } from '../support/app.js';
import { startInstance, type Instance } from '../support/instance.js';
import type { Client } from '../support/http.js';

// The product cache (ADR 13) on two real `bazaar serve` processes over one database. The TTL is
// a minute, far longer than any wait here: a change seen before it was delivered by the feed.
// Instance b listens for changes through a relay the test can cut, as a network would.
let db: TestDatabase;
let a: Instance;
let b: Instance;
let relay: Relay;
let admin: string;

const CACHE = { BAZAAR_PRODUCT_CACHE_TTL: '60s', BAZAAR_SEARCH_CACHE_TTL: '0' };

/** A TCP relay to the database that can be cut (every connection dropped, new ones refused) and restored. */
interface Relay {
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

async function startRelay(databaseUrl: string): Promise<Relay> {
  const target = new URL(databaseUrl.replace('postgres://', 'http://'));
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  const url = databaseUrl.replace(`@${target.host}`, `@127.0.0.1:${port}`);
  return {
    url,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
    restore: listen,
  };
}

before(async () => {
  db = await startTestDatabase();
  relay = await startRelay(db.url);
  [a, b] = await Promise.all([
    startInstance('cache-a', db.url, CACHE),
    startInstance('cache-b', db.url, { ...CACHE, BAZAAR_CHANGE_FEED_URL: relay.url }),
  ]);
  admin = (await a.client.post('/api/v1/auth/token', { body: ADMIN })).body.token;
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await relay?.cut();
  await db?.stop();
});

/** Reads until `seen` holds, up to 20 s (a third of the TTL); returns the last reply's body. */
async function eventually(client: Client, path: string, seen: (status: number, body: any) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reply = await client.get(path);
    if (seen(reply.status, reply.body)) return reply;
    if (Date.now() > deadline)
      assert.fail(`${path} never showed the change: ${reply.status} ${JSON.stringify(reply.body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function metric(client: Client, name: string): Promise<number> {
  const text = (await client.get('/metrics')).body as string;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

test('a card read twice is answered from the cache the second time, and counted', async () => {
  const product = await newProduct(a.client, admin);
  await eventually(b.client, '/metrics', (_s, body) => /bazaar_product_cache_bypassing 0/.test(body));
  const [hits, misses] = [
    await metric(b.client, 'bazaar_product_cache_hits_total'),
    await metric(b.client, 'bazaar_product_cache_misses_total'),
  ];
  await b.client.get(`/api/v1/products/${product.id}`);
  await b.client.get(`/api/v1/products/${product.id}`);
  assert.equal(await metric(b.client, 'bazaar_product_cache_misses_total'), misses + 1);
  assert.equal(await metric(b.client, 'bazaar_product_cache_hits_total'), hits + 1);
});

test('a price changed on one instance: that one shows it at once, the other once the feed says so', async () => {
  const product = await newProduct(a.client, admin, { price: 1000 });
  const path = `/api/v1/products/${product.id}`;
  assert.equal((await a.client.get(path)).body.price, 1000);
  assert.equal((await b.client.get(path)).body.price, 1000);
  const patched = await a.client.patch(path, { token: admin, body: { price: 1500 } });
  assert.equal(patched.status, 200);
  assert.equal((await a.client.get(path)).body.price, 1500, 'the instance that made the change');
  await eventually(b.client, path, (_s, body) => body.price === 1500);
});

test('a deleted product is 404 at once where it was deleted and soon on the other', async () => {
  const product = await newProduct(a.client, admin);
  const path = `/api/v1/products/${product.id}`;
  await a.client.get(path);
  await b.client.get(path);
  assert.equal((await a.client.delete(path, { token: admin })).status, 204);
  assert.equal((await a.client.get(path)).status, 404);
  await eventually(b.client, path, (status) => status === 404);
});

test('stock moved by an order and by its cancellation is seen on both instances', async () => {
  const product = await newProduct(a.client, admin, { stock: 10 });
  const path = `/api/v1/products/${product.id}`;
  await a.client.get(path);
  await b.client.get(path);
  const customer = await newCustomer(a.client);
  const order = await a.client.post('/api/v1/orders', {
    token: customer.token,
    headers: { 'idempotency-key': `cache-${product.id}` },
    body: { items: [{ product_id: product.id, quantity: 3 }] },
  });
  assert.equal(order.status, 201);
  assert.equal((await a.client.get(path)).body.stock, 7, 'the instance that took the order');
  await eventually(b.client, path, (_s, body) => body.stock === 7);
  const cancelled = await b.client.patch(`/api/v1/orders/${order.body.id}`, {
    token: customer.token,
    body: { status: 'cancelled' },
  });
  assert.equal(cancelled.status, 200);
  assert.equal((await b.client.get(path)).body.stock, 10, 'the instance that cancelled it');
  await eventually(a.client, path, (_s, body) => body.stock === 10);
});

test('while its feed is cut an instance reads every card fresh, and caches again once it is back', async () => {
  const product = await newProduct(a.client, admin, { price: 2000 });
  const path = `/api/v1/products/${product.id}`;
  await b.client.get(path);
  await relay.cut();
  await eventually(b.client, '/metrics', (_s, body) => /bazaar_product_cache_bypassing 1/.test(body));
  // Nobody can tell b about this change: it must not answer from what it kept.
  await a.client.patch(path, { token: admin, body: { price: 2500 } });
  assert.equal((await b.client.get(path)).body.price, 2500);
  const hits = await metric(b.client, 'bazaar_product_cache_hits_total');
  await b.client.get(path);
  assert.equal(await metric(b.client, 'bazaar_product_cache_hits_total'), hits, 'no hit while bypassing');
  await relay.restore();
  await eventually(b.client, '/metrics', (_s, body) => /bazaar_product_cache_bypassing 0/.test(body));
  await b.client.get(path);
  await b.client.get(path);
  assert.equal(await metric(b.client, 'bazaar_product_cache_hits_total'), hits + 1, 'cached again');
});

// List pages and searches (the listing cache): which products a page shows is kept with the cards.
const byCategory = (category: string) => `/api/v1/products?category=${encodeURIComponent(category)}&limit=5`;
const ids = (body: any): string[] => body.items.map((p: { id: string }) => p.id);

test('a list page read twice is answered from the listing cache; a new product shows on both instances', async () => {
  const category = `Листинг ${Date.now()}`;
  const first = await newProduct(a.client, admin, { category });
  await eventually(b.client, byCategory(category), (_s, body) => ids(body).includes(first.id));
  // The product's own change message may reach b after its first read and empty the listing
  // cache once: the page is asked for again until a read is a hit, never more than a few times.
  let answeredFromCache = false;
  for (let read = 0; read < 10 && !answeredFromCache; read++) {
    const hits = await metric(b.client, 'bazaar_listing_cache_hits_total');
    const again = await b.client.get(byCategory(category));
    assert.deepEqual(ids(again.body), [first.id]);
    answeredFromCache = (await metric(b.client, 'bazaar_listing_cache_hits_total')) === hits + 1;
  }
  assert.ok(answeredFromCache, 'a page read twice is answered from the listing cache');
  await a.client.get(byCategory(category)); // a keeps the page too
  const second = await newProduct(a.client, admin, { category });
  assert.deepEqual(
    ids((await a.client.get(byCategory(category))).body),
    [second.id, first.id],
    'at once here',
  );
  const seen = await eventually(b.client, byCategory(category), (_s, body) => body.total === 2);
  assert.deepEqual(ids(seen.body), [second.id, first.id]);
});

test('stock moved by an order keeps the pages but not the card: a page shows the new stock', async () => {
  const category = `Склад ${Date.now()}`;
  const product = await newProduct(a.client, admin, { category, stock: 9 });
  await eventually(b.client, byCategory(category), (_s, body) => ids(body).includes(product.id));
  await b.client.get(byCategory(category));
  const customer = await newCustomer(a.client);
  const order = await a.client.post('/api/v1/orders', {
    token: customer.token,
    headers: { 'idempotency-key': `listing-${product.id}` },
    body: { items: [{ product_id: product.id, quantity: 2 }] },
  });
  assert.equal(order.status, 201);
  const hits = await metric(b.client, 'bazaar_listing_cache_hits_total');
  const page = await eventually(b.client, byCategory(category), (_s, body) => body.items[0]?.stock === 7);
  assert.equal(page.body.total, 1);
  assert.ok(
    (await metric(b.client, 'bazaar_listing_cache_hits_total')) > hits,
    'the page itself stayed cached',
  );
});

test('a renamed product is found by its new name on both instances, and no longer by the old one', async () => {
  // A word of letters only, new to this database: no other product matches it.
  const word = `zorb${[...Date.now().toString(36)].map((c) => String.fromCharCode(97 + (parseInt(c, 36) % 26))).join('')}`;
  const product = await newProduct(a.client, admin, { name: `Игрушечный ${word}` });
  const search = (text: string) => `/api/v1/products?search=${encodeURIComponent(text)}`;
  await eventually(b.client, search(word), (_s, body) => ids(body).includes(product.id));
  await a.client.get(search(word));
  const renamed = await a.client.patch(`/api/v1/products/${product.id}`, {
    token: admin,
    body: { name: 'Игрушечный самолёт' },
  });
  assert.equal(renamed.status, 200);
  assert.deepEqual(ids((await a.client.get(search(word))).body), [], 'at once where it was renamed');
  await eventually(b.client, search(word), (_s, body) => body.total === 0);
});
