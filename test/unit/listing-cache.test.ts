import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListingCache, toEvery, ProductCache } from '../../src/modules/catalog/index.js';

const page = { ids: ['a', 'b'], total: 2 };

function cache(now?: () => number) {
  const seen = { hit: 0, miss: 0 };
  const listings = new ListingCache({
    maxEntries: 10,
    ttlMs: 5000,
    observer: { hit: () => seen.hit++, miss: () => seen.miss++ },
    ...(now ? { now } : {}),
  });
  return { listings, seen };
}

test('listing cache: kept only while the feed is up, found again and counted', () => {
  const { listings, seen } = cache();
  listings.keep('k', page, listings.mark());
  assert.equal(listings.find('k'), undefined, 'the feed is down: nothing is kept');
  listings.up();
  listings.keep('k', page, listings.mark());
  assert.deepEqual(listings.find('k'), page);
  assert.deepEqual(seen, { hit: 1, miss: 1 });
});

test('listing cache: stock moved keeps every page; any other change, here or anywhere, empties it', () => {
  const { listings } = cache();
  listings.up();
  listings.keep('k', page, listings.mark());
  listings.changed('a', 5, false);
  assert.deepEqual(listings.find('k'), page, 'stock moves no product between pages');
  listings.changed('a', 6, true);
  assert.equal(listings.find('k'), undefined);
  listings.keep('k', page, listings.mark());
  listings.forgetAll();
  assert.equal(listings.size, 0);
});

test('listing cache: a read that overlapped a change keeps nothing', () => {
  const { listings } = cache();
  listings.up();
  const mark = listings.mark();
  listings.changed('c', 1, true); // created while the page was being read
  listings.keep('k', page, mark);
  assert.equal(listings.size, 0);
});

test('listing cache: the feed dropping empties it and bypasses it until the feed is back', () => {
  const { listings } = cache();
  listings.up();
  listings.keep('k', page, listings.mark());
  listings.down();
  assert.equal(listings.find('k'), undefined);
  listings.keep('k', page, listings.mark());
  assert.equal(listings.size, 0);
  listings.up();
  listings.keep('k', page, listings.mark());
  assert.deepEqual(listings.find('k'), page);
});

test('listing cache: a page lives at most the TTL', () => {
  let now = 1000;
  const { listings } = cache(() => now);
  listings.up();
  listings.keep('k', page, listings.mark());
  now = 6000;
  assert.deepEqual(listings.find('k'), page);
  now = 6001;
  assert.equal(listings.find('k'), undefined);
});

test('one feed tells every cache: changes, drops and returns', () => {
  const { listings } = cache();
  const cards = new ProductCache({ maxEntries: 10, ttlMs: 5000 });
  const both = toEvery(cards, listings);
  both.up();
  listings.keep('k', page, listings.mark());
  both.changed('a', 2, true);
  assert.equal(listings.size, 0);
  listings.keep('k', page, listings.mark());
  both.down();
  assert.equal(listings.size, 0);
  both.up();
  listings.keep('k', page, listings.mark());
  assert.equal(listings.size, 1);
});
