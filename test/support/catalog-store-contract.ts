import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogStore, Product } from '../../src/modules/catalog/index.js';
import { newId } from '../../src/platform/ids.js';

let counter = 0;

/** A product as the service hands it to the store: new, version 1. */
function product(fields: Partial<Product> = {}): Product {
  const at = new Date(Date.UTC(2026, 2, 1, 12, 0, counter)).toISOString();
  return {
    id: newId(),
    sku: `PORT-${process.pid}-${Date.now()}-${counter++}`,
    name: 'Port product',
    description: '',
    category: `Port ${process.pid}-${Date.now()}-${counter}`,
    price: 1000,
    currency: 'RUB',
    stock: 5,
    attributes: { colour: 'red' },
    version: 1,
    created_at: at,
    updated_at: at,
    ...fields,
  };
}

const ids = (items: readonly Product[]) => items.map((p) => p.id).sort();

/**
 * What every implementation of the CatalogStore port promises (PostgreSQL; Cassandra with its
 * PostgreSQL projection), run against each: the catalog service relies on exactly this.
 */
export function catalogStoreContract(name: string, subject: () => CatalogStore): void {
  describe(`the catalog store port: ${name}`, () => {
    test('a product inserted is found by id, by sku and among many, as it was given', async () => {
      const store = subject();
      const p = product();
      await store.insert(p);
      const found = await store.findById(p.id);
      assert.deepEqual(
        [found?.sku, found?.name, found?.price, found?.stock, found?.attributes, found?.version],
        [p.sku, p.name, p.price, p.stock, p.attributes, 1],
      );
      assert.deepEqual(ids(await store.findBySkus([p.sku, 'NO-SUCH-SKU'])), [p.id]);
      assert.deepEqual(ids(await store.findMany([p.id, newId()])), [p.id]);
      assert.equal(await store.findById(newId()), null);
    });

    test('a second live product with the same sku is refused as a duplicate', async () => {
      const store = subject();
      const p = product();
      await store.insert(p);
      await assert.rejects(
        store.insert(product({ sku: p.sku })),
        (e: { code?: string }) => e.code === 'duplicate',
      );
    });

    test('an update bumps the version; an expected version that moved on is stale; an unknown id missing', async () => {
      const store = subject();
      const p = product();
      await store.insert(p);
      const at = new Date('2026-03-02T00:00:00Z');
      const updated = await store.update(p.id, { price: 1500 }, 1, at);
      assert.ok('product' in updated);
      assert.deepEqual([updated.product.price, updated.product.version], [1500, 2]);
      assert.deepEqual(await store.update(p.id, { price: 1 }, 1, at), { stale: true });
      assert.deepEqual(await store.update(newId(), { price: 1 }, undefined, at), { missing: true });
      assert.equal((await store.findById(p.id))?.price, 1500);
    });

    test('a product deleted is gone from reads, and its sku is free again', async () => {
      const store = subject();
      const p = product();
      await store.insert(p);
      assert.equal(await store.softDelete(p.id, new Date()), true);
      assert.equal(await store.findById(p.id), null);
      assert.deepEqual(await store.findMany([p.id]), []);
      assert.equal(await store.softDelete(p.id, new Date()), false);
      await store.insert(product({ sku: p.sku }));
    });

    test('a list narrows by category and price, ordered as asked, with the total', async () => {
      const store = subject();
      const category = `Port list ${newId()}`;
      const prices = [300, 100, 200, 900];
      const products = prices.map((price) => product({ category, price }));
      for (const p of products) await store.insert(p);
      const page = await store.list({
        filter: { category, maxPrice: 500 },
        sort: 'price',
        order: 'desc',
        limit: 2,
        offset: 0,
      });
      assert.deepEqual([page.total, page.items.map((p) => p.price)], [3, [300, 200]]);
    });
  });
}
