import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changed, listChanges, type ListedKeys } from '../../src/adapters/cassandra/catalog.rows.js';
import type { CatalogRecord } from '../../src/adapters/catalog-projection.js';

const listed = (over: Partial<ListedKeys> = {}): ListedKeys => ({
  id: 'p1',
  name: 'Лампа',
  price: 1000,
  category: 'Свет',
  created_at: '2026-01-01T00:00:00.000Z',
  ...over,
});
const refs = (rows: Array<{ table: string; scope: string; key: unknown }>) =>
  rows.map((r) => `${r.table} ${r.scope} ${r.key instanceof Date ? r.key.toISOString() : r.key}`).sort();

test('a price change clears only the price rows it leaves and rewrites every list row', () => {
  const { writes, deletes } = listChanges(listed({ price: 2000 }), [listed()]);
  assert.equal(writes.length, 8, 'three list orders and the keys-only count table x (all, category)');
  // Deleting and writing a row with the same key at the same timestamp would delete it: the
  // unchanged name and date rows are only overwritten.
  assert.deepEqual(refs(deletes), [
    'product_keys_by_price all 1000',
    'product_keys_by_price c:Свет 1000',
    'products_by_price all 1000',
    'products_by_price c:Свет 1000',
  ]);
});

test('a category change leaves the old category partition of every list, not the `all` rows', () => {
  const { deletes } = listChanges(listed({ category: 'Кухня' }), [listed()]);
  assert.deepEqual(refs(deletes), [
    'product_keys_by_price c:Свет 1000',
    'products_by_created c:Свет 2026-01-01T00:00:00.000Z',
    'products_by_name c:Свет Лампа',
    'products_by_price c:Свет 1000',
  ]);
});

test('a deleted product leaves every list; two stale states are both cleared, each row once', () => {
  const gone = listChanges(null, [listed(), listed()]);
  assert.equal(gone.writes.length, 0);
  assert.equal(gone.deletes.length, 8);
  const two = listChanges(listed({ price: 3 }), [listed({ price: 1 }), listed({ price: 2 })]);
  assert.deepEqual(refs(two.deletes), [
    'product_keys_by_price all 1',
    'product_keys_by_price all 2',
    'product_keys_by_price c:Свет 1',
    'product_keys_by_price c:Свет 2',
    'products_by_price all 1',
    'products_by_price all 2',
    'products_by_price c:Свет 1',
    'products_by_price c:Свет 2',
  ]);
});

test('a change moves the version on; only a stock change moves the stock version', () => {
  const current: CatalogRecord = {
    ...listed(),
    sku: 'S1',
    description: '',
    currency: 'RUB',
    stock: 5,
    attributes: { color: 'red' },
    version: 3,
    updated_at: '2026-01-01T00:00:00.000Z',
    stockVersion: 1,
    deletedAt: null,
  };
  const at = new Date('2026-02-01T00:00:00.000Z');
  const priced = changed(current, { price: 900, description: undefined }, at);
  assert.deepEqual(
    [priced.version, priced.price, priced.description, priced.stockVersion, priced.updated_at],
    [4, 900, '', 1, at.toISOString()],
  );
  assert.deepEqual(priced.attributes, { color: 'red' });
  const stocked = changed(current, { stock: 9 }, at);
  assert.deepEqual([stocked.stock, stocked.stockVersion], [9, 4]);
});
