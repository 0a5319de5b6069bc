import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, type Reply } from './http.js';
import { newCustomer, newProduct } from './app.js';

// Many users at once on one resource and on many, through every nginx of a running cluster: no
// 5xx, no request without an answer, every 2xx reflected in the final state, the backends agree
// and pgpool-II never saw two backends answer one statement differently.

export interface TortureTarget {
  entrypoints: string[];
  /** An admin's token. */
  admin: string;
  /** The cluster's folder (pgpool-II logs are read from it). */
  dir: string;
}

/** Requests spread round-robin over the entrypoints, as a client behind DNS round-robin would. */
class Spread {
  private readonly clients: Client[];
  private n = 0;
  readonly replies: Reply[] = [];
  constructor(entrypoints: string[]) {
    this.clients = entrypoints.map((url) => new Client(url));
  }
  get client(): Client {
    return this.clients[this.n++ % this.clients.length]!;
  }
  /** Runs them all at once; each answers (or the test fails on its 30 s bound). */
  async all(calls: Array<(c: Client) => Promise<Reply>>): Promise<Reply[]> {
    const replies = await Promise.all(calls.map((call) => call(this.client)));
    this.replies.push(...replies);
    return replies;
  }
}

const statuses = (replies: Reply[]) => replies.map((r) => r.status).sort((a, b) => a - b);
const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Every line of the pgpool-II logs that says two backends answered one statement differently:
 * never expected, for a write (ADR 11's rule) or a read (reads go to one backend).
 */
export async function pgpoolMismatches(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir)) {
    if (!entry.startsWith('pgpool-')) continue;
    const log = await readFile(join(dir, entry, 'pgpool.log'), 'utf8').catch(() => '');
    found.push(
      ...log.split('\n').filter((line) => /kind mismatch|detected difference|does not match/.test(line)),
    );
  }
  return found;
}

export function registerTortureTests(target: () => TortureTarget): void {
  let spread: Spread;
  const ready = () => (spread ??= new Spread(target().entrypoints));

  test('20 open tabs per shopper, 10 shoppers: every PUT 200, every cart holds its 20 lines', async () => {
    const s = ready();
    const { admin } = target();
    const products = await Promise.all(range(20).map(() => newProduct(s.client, admin, { stock: 1000 })));
    const shoppers = await Promise.all(range(10).map(() => newCustomer(s.client)));
    const puts = await s.all(
      shoppers.flatMap((shopper) =>
        products.map(
          (p, i) => (c: Client) =>
            c.put(`/api/v1/users/${shopper.id}/cart/items/${p.id}`, {
              token: shopper.token,
              body: { quantity: i + 1 },
            }),
        ),
      ),
    );
    assert.deepEqual(
      statuses(puts),
      Array(200).fill(200),
      JSON.stringify(puts.find((r) => r.status !== 200)?.body),
    );
    for (const shopper of shoppers) {
      const cart = await s.client.get(`/api/v1/users/${shopper.id}/cart`, { token: shopper.token });
      assert.equal(cart.body.items.length, 20);
      for (const [i, p] of products.entries()) {
        assert.equal(cart.body.items.find((x: any) => x.product_id === p.id)?.quantity, i + 1);
      }
    }
  });

  test('one cart line changed by 30 requests at once, lines removed at once, then twin checkouts', async () => {
    const s = ready();
    const { admin } = target();
    const products = await Promise.all(range(10).map(() => newProduct(s.client, admin, { stock: 1000 })));
    const shopper = await newCustomer(s.client);
    const path = (id: string) => `/api/v1/users/${shopper.id}/cart/items/${id}`;
    await s.all(
      products.map((p) => (c) => c.put(path(p.id), { token: shopper.token, body: { quantity: 1 } })),
    );
    const same = await s.all(
      range(30).map(
        (q) => (c) => c.put(path(products[0]!.id), { token: shopper.token, body: { quantity: q + 1 } }),
      ),
    );
    assert.deepEqual(statuses(same), Array(30).fill(200));
    const removed = await s.all(
      products.slice(5).map((p) => (c) => c.delete(path(p.id), { token: shopper.token })),
    );
    assert.deepEqual(statuses(removed), Array(5).fill(200));
    const cart = await s.client.get(`/api/v1/users/${shopper.id}/cart`, { token: shopper.token });
    assert.deepEqual(
      cart.body.items.map((x: any) => x.product_id).sort(),
      products
        .slice(0, 5)
        .map((p) => p.id)
        .sort(),
    );
    const line = cart.body.items.find((x: any) => x.product_id === products[0]!.id);
    assert.ok(line.quantity >= 1 && line.quantity <= 30, 'the line holds one of the quantities sent');
    const checkout = (c: Client) =>
      c.post('/api/v1/orders', { token: shopper.token, headers: { 'idempotency-key': 'twin' }, body: {} });
    const twins = await s.all([checkout, checkout, checkout]);
    assert.deepEqual(statuses(twins), [201, 201, 201], JSON.stringify(twins.map((t) => t.body)));
    assert.equal(new Set(twins.map((t) => t.body.id)).size, 1, 'one order for one key');
    const after = await s.client.get(`/api/v1/users/${shopper.id}/cart`, { token: shopper.token });
    assert.equal(after.body.items.length, 0);
    // Lines put back while the cart is cleared, many times at once: every request answers 2xx,
    // and a last clear leaves it empty on every backend.
    const churn = await s.all([
      ...products.map(
        (p) => (c: Client) => c.put(path(p.id), { token: shopper.token, body: { quantity: 2 } }),
      ),
      ...range(5).map(
        () => (c: Client) => c.delete(`/api/v1/users/${shopper.id}/cart`, { token: shopper.token }),
      ),
    ]);
    assert.ok(
      churn.every((r) => r.status === 200 || r.status === 204),
      JSON.stringify(statuses(churn)),
    );
    assert.equal(
      (await s.client.delete(`/api/v1/users/${shopper.id}/cart`, { token: shopper.token })).status,
      204,
    );
    assert.equal(
      (await s.client.get(`/api/v1/users/${shopper.id}/cart`, { token: shopper.token })).body.items.length,
      0,
    );
  });

  test('10 shoppers at once, each: 20 PUTs at once, 10 DELETEs at once, the same checkout twice', async () => {
    const s = ready();
    const { admin } = target();
    const products = await Promise.all(range(20).map(() => newProduct(s.client, admin, { stock: 1000 })));
    const shoppers = await Promise.all(range(10).map(() => newCustomer(s.client)));
    const results = await Promise.all(
      shoppers.map(async (shopper) => {
        const path = (id: string) => `/api/v1/users/${shopper.id}/cart/items/${id}`;
        const puts = await s.all(
          products.map(
            (p, i) => (c) => c.put(path(p.id), { token: shopper.token, body: { quantity: i + 1 } }),
          ),
        );
        const deletes = await s.all(
          products.slice(10).map((p) => (c) => c.delete(path(p.id), { token: shopper.token })),
        );
        const checkout = (c: Client) =>
          c.post('/api/v1/orders', {
            token: shopper.token,
            headers: { 'idempotency-key': 'burst' },
            body: {},
          });
        const twins = await s.all([checkout, checkout]);
        const cart = await s.client.get(`/api/v1/users/${shopper.id}/cart`, { token: shopper.token });
        return { puts, deletes, twins, cart };
      }),
    );
    for (const { puts, deletes, twins, cart } of results) {
      assert.deepEqual(statuses(puts), Array(20).fill(200));
      assert.deepEqual(statuses(deletes), Array(10).fill(200));
      assert.deepEqual(statuses(twins), [201, 201], JSON.stringify(twins.map((t) => t.body)));
      assert.equal(twins[0]!.body.id, twins[1]!.body.id, 'one order for one key');
      assert.deepEqual(
        twins[0]!.body.items.map((i: any) => i.quantity).sort((a: number, b: number) => a - b),
        range(10).map((i) => i + 1),
        'the order holds the 10 lines left, at their last quantities',
      );
      assert.equal(cart.body.items.length, 0, 'the ordered lines left the cart');
    }
    for (const [i, p] of products.slice(0, 10).entries()) {
      const stock = (await s.client.get(`/api/v1/products/${p.id}`)).body.stock;
      assert.equal(stock, 1000 - 10 * (i + 1), 'each of the 10 orders took its quantity once');
    }
  });

  test('20 customers check out the last 10 of one product while an admin edits it: stock never goes below 0', async () => {
    const s = ready();
    const { admin } = target();
    const product = await newProduct(s.client, admin, { stock: 10 });
    const shoppers = await Promise.all(range(20).map(() => newCustomer(s.client)));
    const orders = s.all(
      shoppers.map(
        (shopper) => (c) =>
          c.post('/api/v1/orders', {
            token: shopper.token,
            headers: { 'idempotency-key': 'last-ten' },
            body: { items: [{ product_id: product.id, quantity: 1 }] },
          }),
      ),
    );
    const edits = s.all(
      range(10).map(
        (i) => (c) =>
          c.patch(`/api/v1/products/${product.id}`, { token: admin, body: { name: `Последний товар ${i}` } }),
      ),
    );
    const [placed, edited] = await Promise.all([orders, edits]);
    assert.equal(count(placed, 201), 10, JSON.stringify(statuses(placed)));
    assert.equal(count(placed, 409), 10);
    assert.deepEqual(statuses(edited), Array(10).fill(200));
    const now = await s.client.get(`/api/v1/products/${product.id}`);
    assert.equal(now.body.stock, 0);
    assert.equal(now.body.version, 1 + 10 + 10, 'each order and each edit bumped the version once');
  });

  test('racing If-Match edits, creates of one sku, and a delete: one winner each', async () => {
    const s = ready();
    const { admin } = target();
    const product = await newProduct(s.client, admin, { stock: 5 });
    const etag = `"${product.version}"`;
    const patches = await s.all(
      range(20).map(
        (i) => (c) =>
          c.patch(`/api/v1/products/${product.id}`, {
            token: admin,
            headers: { 'if-match': etag },
            body: { price: 1000 + i },
          }),
      ),
    );
    assert.equal(count(patches, 200), 1, JSON.stringify(statuses(patches)));
    assert.equal(count(patches, 412), 19);
    const sku = `RACE-${Date.now()}`;
    const creates = await s.all(
      range(20).map(
        () => (c) =>
          c.post('/api/v1/products', {
            token: admin,
            body: { sku, name: 'Гонка', category: 'Тест', price: 100, stock: 1 },
          }),
      ),
    );
    assert.equal(count(creates, 201), 1, JSON.stringify(statuses(creates)));
    assert.equal(count(creates, 409), 19);
    const deletes = await s.all(
      range(10).map(() => (c) => c.delete(`/api/v1/products/${product.id}`, { token: admin })),
    );
    assert.equal(count(deletes, 204), 1, JSON.stringify(statuses(deletes)));
    assert.equal(count(deletes, 404), 9);
  });

  test('one order paid, cancelled and shipped by many at once: one transition wins, stock released once', async () => {
    const s = ready();
    const { admin } = target();
    const product = await newProduct(s.client, admin, { stock: 10 });
    const shopper = await newCustomer(s.client);
    const order = await s.client.post('/api/v1/orders', {
      token: shopper.token,
      headers: { 'idempotency-key': 'race' },
      body: { items: [{ product_id: product.id, quantity: 4 }] },
    });
    assert.equal(order.status, 201);
    const moves = await s.all(
      range(20).map(
        (i) => (c) =>
          c.patch(`/api/v1/orders/${order.body.id}`, {
            token: shopper.token,
            body: { status: i % 2 ? 'paid' : 'cancelled' },
          }),
      ),
    );
    assert.equal(count(moves, 200), 1, JSON.stringify(statuses(moves)));
    // The losers: 409 (the order moved first), or 403 (a customer may not cancel a paid order).
    assert.ok(
      moves.every((r) => [200, 403, 409].includes(r.status)),
      JSON.stringify(statuses(moves)),
    );
    const final = (await s.client.get(`/api/v1/orders/${order.body.id}`, { token: shopper.token })).body;
    const stock = (await s.client.get(`/api/v1/products/${product.id}`)).body.stock;
    assert.equal(stock, final.status === 'cancelled' ? 10 : 6);
    if (final.status === 'paid') {
      const ships = await s.all(
        range(10).map(
          () => (c) =>
            c.patch(`/api/v1/orders/${order.body.id}`, { token: admin, body: { status: 'shipped' } }),
        ),
      );
      assert.equal(count(ships, 200), 1);
      assert.equal(count(ships, 409), 9);
    }
  });

  test('registrations and failed logins at once: one account per email, throttling without errors', async () => {
    const s = ready();
    const email = `race-${Date.now()}@example.test`;
    const body = { email, password: 'correct-horse-1', name: 'Race' };
    const registered = await s.all(range(20).map(() => (c) => c.post('/api/v1/users', { body })));
    assert.equal(count(registered, 201), 1, JSON.stringify(statuses(registered)));
    assert.equal(count(registered, 409), 19);
    const failures = await s.all(
      range(30).map(
        () => (c) => c.post('/api/v1/auth/token', { body: { email, password: 'wrong-password' } }),
      ),
    );
    assert.ok(
      failures.every((r) => r.status === 401 || r.status === 429),
      JSON.stringify(statuses(failures)),
    );
    const many = await s.all(
      range(30).map(
        (i) => (c) =>
          c.post('/api/v1/users', {
            body: { email: `many-${Date.now()}-${i}@example.test`, password: 'correct-horse-1', name: 'M' },
          }),
      ),
    );
    assert.deepEqual(statuses(many), Array(30).fill(201));
  });

  test('no request above failed with a 5xx, and pgpool-II never saw two backends answer differently', async () => {
    const s = ready();
    const errors = s.replies.filter((r) => r.status >= 500);
    assert.deepEqual(
      errors.map((r) => [r.status, r.body]),
      [],
    );
    assert.ok(s.replies.length > 400, `${s.replies.length} requests made`);
    assert.deepEqual(
      await pgpoolMismatches(target().dir),
      [],
      'no statement answered differently on two backends',
    );
  });
}
