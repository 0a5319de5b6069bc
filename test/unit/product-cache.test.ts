import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProductCache, type Product } from '../../src/modules/catalog/index.js';

function product(id: string, version: number, stock = 10): Product {
  return {
    id,
    sku: `sku-${id}`,
    name: `Product ${id}`,
    description: '',
    category: 'Тест',
    price: 100,
    currency: 'RUB',
    stock,
    attributes: {},
    version,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

/** A store of one version per product that counts its reads. */
function fakeStore(initial: Product[]) {
  const rows = new Map(initial.map((p) => [p.id, p]));
  let reads = 0;
  return {
    load: async (id: string) => {
      reads++;
      return rows.get(id) ?? null;
    },
    put: (p: Product) => rows.set(p.id, p),
    reads: () => reads,
  };
}

function counters() {
  const seen = { hit: 0, miss: 0, evicted: 0, bypassing: [] as boolean[] };
  return {
    seen,
    observer: {
      hit: () => seen.hit++,
      miss: () => seen.miss++,
      evicted: () => seen.evicted++,
      bypassing: (on: boolean) => seen.bypassing.push(on),
    },
  };
}

test('product cache: nothing is kept until the feed is up; then a card is read once and counted', async () => {
  const store = fakeStore([product('a', 1)]);
  const { seen, observer } = counters();
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 5000, observer });
  await cache.get('a', store.load);
  await cache.get('a', store.load);
  assert.equal(store.reads(), 2, 'the feed is down: every read goes to the store');
  cache.up();
  await cache.get('a', store.load);
  await cache.get('a', store.load);
  await cache.get('a', store.load);
  assert.equal(store.reads(), 3);
  assert.deepEqual([seen.hit, seen.miss], [2, 3]);
  assert.deepEqual(seen.bypassing, [true, false]);
});

test('product cache: a card lives at most the TTL, even when no change message comes', async () => {
  let now = 1000; // lru-cache reads a start time of 0 as "no TTL"
  const store = fakeStore([product('a', 1, 10)]);
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 5000, now: () => now });
  cache.up();
  await cache.get('a', store.load);
  store.put(product('a', 2, 9)); // changed, and its message lost
  now = 6000;
  assert.equal((await cache.get('a', store.load))!.stock, 10);
  now = 6001;
  assert.equal((await cache.get('a', store.load))!.stock, 9);
});

test('product cache: a change message drops the card; an older copy read afterwards is not kept', async () => {
  const store = fakeStore([product('a', 1, 10)]);
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000 });
  cache.up();
  await cache.get('a', store.load);
  // Version 2 committed on the primary; this read still meets version 1 (a standby that lags).
  cache.changed('a', 2, false);
  assert.equal((await cache.get('a', store.load))!.version, 1);
  assert.equal(cache.size, 0, 'the lagging copy is not kept');
  store.put(product('a', 2, 9));
  assert.equal((await cache.get('a', store.load))!.stock, 9);
  assert.equal(cache.size, 1);
  assert.equal(store.reads(), 3);
});

test('product cache: a change made here is forgotten at once, a delete for good', async () => {
  const store = fakeStore([product('a', 1, 10), product('b', 1)]);
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000 });
  cache.up();
  await cache.get('a', store.load);
  await cache.get('b', store.load);
  store.put(product('a', 2, 5));
  cache.forget('a', 2);
  assert.equal((await cache.get('a', store.load))!.stock, 5);
  cache.forget('b', 'gone');
  await cache.get('b', store.load); // a standby may still show it
  assert.equal(cache.size, 1, 'only a is kept: no copy of a deleted product is');
});

test('product cache: a read that overlapped a change of unknown version keeps nothing', async () => {
  const store = fakeStore([product('a', 1, 10)]);
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000 });
  cache.up();
  let release!: () => void;
  const slow = (id: string) => new Promise<void>((r) => (release = r)).then(() => store.load(id));
  const reading = cache.get('a', slow);
  cache.forget('a'); // stock moved by an order here; its new version comes with the message
  release();
  assert.equal((await reading)!.stock, 10);
  assert.equal(cache.size, 0);
});

test('product cache: when the feed drops it empties and bypasses; back up, it starts empty', async () => {
  const store = fakeStore([product('a', 1, 10)]);
  const { seen, observer } = counters();
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000, observer });
  cache.up();
  await cache.get('a', store.load);
  cache.down();
  store.put(product('a', 2, 3)); // changed while nobody could say so
  assert.equal((await cache.get('a', store.load))!.stock, 3);
  assert.equal((await cache.get('a', store.load))!.stock, 3);
  assert.equal(cache.size, 0);
  cache.up();
  assert.equal((await cache.get('a', store.load))!.stock, 3);
  assert.equal(store.reads(), 4);
  assert.deepEqual(seen.bypassing, [true, false, true, false]);
});

test('product cache: the least recently used card makes room, and the eviction is counted', async () => {
  const store = fakeStore([product('a', 1), product('b', 1), product('c', 1)]);
  const { seen, observer } = counters();
  const cache = new ProductCache({ maxEntries: 2, ttlMs: 60_000, observer });
  cache.up();
  await cache.get('a', store.load);
  await cache.get('b', store.load);
  await cache.get('a', store.load); // a is used again: b is the least recently used
  await cache.get('c', store.load);
  assert.equal(seen.evicted, 1);
  await cache.get('a', store.load);
  assert.equal(store.reads(), 3, 'a stayed');
  await cache.get('b', store.load);
  assert.equal(store.reads(), 4, 'b was evicted');
});

test('product cache: a missing product is not kept (creating it needs no message)', async () => {
  const store = fakeStore([]);
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000 });
  cache.up();
  assert.equal(await cache.get('x', store.load), null);
  store.put(product('x', 1));
  assert.equal((await cache.get('x', store.load))!.id, 'x');
});

test('product cache: a page of cards reads only the missing ones, in one call, and keeps them', async () => {
  const store = fakeStore([product('a', 1), product('b', 1), product('c', 1)]);
  const { seen, observer } = counters();
  const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000, observer });
  cache.up();
  await cache.get('a', store.load);
  const calls: string[][] = [];
  const loadMany = async (ids: readonly string[]) => {
    calls.push([...ids]);
    return (await Promise.all(ids.map(store.load))).filter((p): p is Product => p !== null);
  };
  const cards = await cache.getMany(['a', 'b', 'x', 'c'], loadMany);
  assert.deepEqual([...cards.keys()].sort(), ['a', 'b', 'c'], 'x is no product');
  assert.deepEqual(calls, [['b', 'x', 'c']]);
  await cache.getMany(['a', 'b', 'c'], loadMany);
  assert.equal(calls.length, 1, 'all three kept');
  assert.deepEqual([seen.hit, seen.miss], [1 + 3, 1 + 3]);
  cache.changed('b', 2, false);
  store.put(product('b', 2, 4));
  assert.equal((await cache.getMany(['a', 'b'], loadMany)).get('b')!.stock, 4);
  assert.deepEqual(calls[1], ['b']);
});
