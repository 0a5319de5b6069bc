import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CachedProductSearch,
  type ProductSearchIndex,
  type SearchRequest,
} from '../../src/modules/search/index.js';

const request = (text: string, offset = 0): SearchRequest => ({
  text,
  filter: {},
  sort: 'relevance',
  order: 'desc',
  limit: 20,
  offset,
});

test('hits are kept per distinct request for the TTL, then asked again', async () => {
  const asked: string[] = [];
  const inner: ProductSearchIndex = {
    search: async (r) => {
      asked.push(`${r.text}@${r.offset}`);
      return { ids: [`${r.text}-${asked.length}`], total: 1 };
    },
  };
  let now = 1_000;
  const cached = new CachedProductSearch(inner, 50, { now: () => now });
  const first = await cached.search(request('платье'));
  assert.deepEqual(await cached.search(request('платье')), first);
  await cached.search(request('платье', 20));
  await cached.search(request('хлопок'));
  assert.deepEqual(asked, ['платье@0', 'платье@20', 'хлопок@0']);
  now += 49;
  assert.deepEqual(await cached.search(request('платье')), first, 'still within the TTL');
  now += 2;
  assert.notDeepEqual(await cached.search(request('платье')), first);
  assert.equal(asked.length, 4);
});
