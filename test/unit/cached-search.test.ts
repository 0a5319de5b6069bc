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
  const cached = new CachedProductSearch(inner, 50);
  const first = await cached.search(request('платье'));
  assert.deepEqual(await cached.search(request('платье')), first);
  await cached.search(request('платье', 20));
  await cached.search(request('хлопок'));
  assert.deepEqual(asked, ['платье@0', 'платье@20', 'хлопок@0']);
  await new Promise((r) => setTimeout(r, 80));
  assert.notDeepEqual(await cached.search(request('платье')), first);
  assert.equal(asked.length, 4);
});
