import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CatalogService,
  ListingCache,
  ProductCache,
  type CatalogStore,
  type Product,
  type ProductChanges,
  type ProductListQuery,
} from '../../src/modules/catalog/index.js';
import type { ProductSearchIndex, SearchRequest } from '../../src/modules/search/index.js';
import type { Principal } from '../../src/platform/principal.js';
import { ManualClock } from './fakes.js';

// The catalog's caches (ADR 13) in front of an in-memory store that counts its reads: what a page
// read twice costs, and which changes made through the service a page shows at once.

const admin: Principal = { id: 'admin', role: 'admin' };

/** Live products newest first; `list` and `findMany` are counted. */
class CountingStore implements Partial<CatalogStore> {
  readonly rows = new Map<string, Product>();
  reads = { list: 0, findMany: 0, findById: 0 };
  async insert(p: Product) {
    this.rows.set(p.id, { ...p });
  }
  async findById(id: string) {
    this.reads.findById++;
    return this.rows.get(id) ?? null;
  }
  async findMany(ids: readonly string[]) {
    this.reads.findMany++;
    return ids.flatMap((id) => (this.rows.has(id) ? [{ ...this.rows.get(id)! }] : []));
  }
  async list(q: ProductListQuery) {
    this.reads.list++;
    const live = [...this.rows.values()]
      .filter((p) => q.filter.category === undefined || p.category === q.filter.category)
      .sort((x, y) => y.created_at.localeCompare(x.created_at) || y.id.localeCompare(x.id));
    return { items: live.slice(q.offset, q.offset + q.limit).map((p) => ({ ...p })), total: live.length };
  }
  async update(id: string, changes: ProductChanges) {
    const current = this.rows.get(id);
    if (!current) return { missing: true } as const;
    const product = { ...current, ...changes, version: current.version + 1 };
    this.rows.set(id, product);
    return { product };
  }
  async softDelete(id: string) {
    return this.rows.delete(id);
  }
}

/** Search by a word of the name. */
class NameSearch implements ProductSearchIndex {
  constructor(private readonly store: CountingStore) {}
  searches = 0;
  async search(r: SearchRequest) {
    this.searches++;
    const ids = [...this.store.rows.values()].filter((p) => p.name.includes(r.text)).map((p) => p.id);
    return { ids: ids.slice(r.offset, r.offset + r.limit), total: ids.length };
  }
}

function setUp() {
  const store = new CountingStore();
  const search = new NameSearch(store);
  const clock = new ManualClock();
  const products = new ProductCache({ maxEntries: 100, ttlMs: 60_000 });
  const listings = new ListingCache({ maxEntries: 100, ttlMs: 60_000 });
  products.up();
  listings.up();
  const catalog = new CatalogService(store as unknown as CatalogStore, search, clock, { products, listings });
  const create = async (name: string) => {
    clock.advance(1000);
    return catalog.create(admin, { sku: name, name, category: 'Тест', price: 100, stock: 5 });
  };
  return { store, search, catalog, products, listings, create };
}

const page = { limit: 10, page: 1 };

test('a list page read twice reads the store once; its cards come from the product cache', async () => {
  const { store, catalog, create } = setUp();
  await create('chair');
  await create('table');
  const first = await catalog.list(page);
  const second = await catalog.list(page);
  assert.deepEqual(second, first);
  assert.equal(store.reads.list, 1);
  assert.equal(store.reads.findMany, 1, 'the cards were read once, on the first hit');
  await catalog.list(page);
  assert.equal(store.reads.findMany, 1, 'then kept');
});

test('a product created, edited or deleted through this instance shows on the next page read', async () => {
  const { catalog, create } = setUp();
  const chair = await create('chair');
  await catalog.list(page);
  const table = await create('table');
  assert.deepEqual(
    (await catalog.list(page)).items.map((p) => p.id),
    [table.id, chair.id],
  );
  await catalog.update(admin, chair.id, { price: 250 }, undefined);
  assert.equal((await catalog.list(page)).items[1]!.price, 250);
  await catalog.delete(admin, table.id);
  assert.deepEqual(
    (await catalog.list(page)).items.map((p) => p.id),
    [chair.id],
  );
});

test('stock moved elsewhere refreshes the card on a cached page without reading the page again', async () => {
  const { store, catalog, products, listings, create } = setUp();
  const chair = await create('chair');
  await catalog.list(page);
  await catalog.list(page);
  store.rows.get(chair.id)!.stock = 1; // an order on another instance; then its message:
  products.changed(chair.id, 2, false);
  listings.changed(chair.id, 2, false);
  assert.equal((await catalog.list(page)).items[0]!.stock, 1);
  assert.equal(store.reads.list, 1);
});

test('searches are kept like pages, and a rename made here is searched at once', async () => {
  const { search, catalog, create } = setUp();
  const chair = await create('chair');
  const query = { ...page, search: 'chair' };
  await catalog.list(query);
  assert.equal((await catalog.list(query)).total, 1);
  assert.equal(search.searches, 1);
  await catalog.update(admin, chair.id, { name: 'stool' }, undefined);
  assert.equal((await catalog.list(query)).total, 0);
  assert.equal((await catalog.list({ ...page, search: 'stool' })).items[0]!.id, chair.id);
});
