import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalToMinorUnits } from '../../src/modules/catalog/transfer/decimal-money.js';
import { transformRow, type SourceRow } from '../../src/modules/catalog/transfer/product-row.js';
import { changesOf } from '../../src/modules/catalog/transfer/port-upserts.js';
import type { Product } from '../../src/modules/catalog/catalog.ports.js';

const row = (over: Partial<SourceRow> = {}): SourceRow => ({
  key: 1,
  sku: 'SKU-1',
  name: 'Кожаная сумка',
  description: 'Мягкая',
  category: 'Сумки',
  price: '4990.00',
  currency: undefined,
  stock: 3,
  attributes: {},
  ...over,
});

test('decimal amounts become minor units exactly, never through floating point', () => {
  assert.deepEqual(decimalToMinorUnits('19.99', 'RUB'), { minor: 1999 });
  assert.deepEqual(decimalToMinorUnits(19.99, 'RUB'), { minor: 1999 });
  assert.deepEqual(decimalToMinorUnits('0.1', 'EUR'), { minor: 10 });
  assert.deepEqual(decimalToMinorUnits('1234567890123.45', 'USD'), { minor: 123456789012345 });
  assert.deepEqual(decimalToMinorUnits('100', 'JPY'), { minor: 100 });
  assert.deepEqual(decimalToMinorUnits('12.50', 'RUB'), { minor: 1250 });
  assert.match(
    (decimalToMinorUnits('1.005', 'RUB') as { error: string }).error,
    /more decimals than RUB has \(2\)/,
  );
  assert.match((decimalToMinorUnits('1.5', 'JPY') as { error: string }).error, /JPY has \(0\)/);
  assert.match((decimalToMinorUnits('12,50', 'RUB') as { error: string }).error, /not a decimal amount/);
  assert.match((decimalToMinorUnits('99999999999999999', 'RUB') as { error: string }).error, /too large/);
});

test('a source row becomes a product by the rules of POST /products: trimmed, NFC, money exact', () => {
  const result = transformRow(
    row({
      name: '  Cafe\u0301 ',
      price: '349.5',
      attributes: { colour: ' чёрный ', size: 42, gift: true, none: null },
    }),
    'decimal',
  );
  assert.ok('product' in result);
  assert.equal(result.product.name, 'Café');
  assert.equal(result.product.name, 'Café'.normalize('NFC'));
  assert.equal(result.product.price, 34950);
  assert.equal(result.product.currency, 'RUB');
  assert.deepEqual(result.product.attributes, { colour: 'чёрный', size: 42, gift: true });
  const minor = transformRow(row({ price: 1999, currency: 'USD' }), 'minor');
  assert.ok('product' in minor);
  assert.equal(minor.product.price, 1999);
  assert.equal(minor.product.currency, 'USD');
});

test('a row that breaks a rule is refused whole, naming the field and why', () => {
  const refused = (over: Partial<SourceRow>, unit: 'minor' | 'decimal' = 'decimal') =>
    transformRow(row(over), unit) as { field: string; reason: string };
  assert.deepEqual(refused({ name: null }), { field: 'name', reason: 'is missing' });
  assert.equal(refused({ price: '-10.00' }).field, 'price');
  assert.match(refused({ price: '-10.00' }).reason, />= 0/);
  assert.deepEqual(refused({ price: '199.999' }), {
    field: 'price',
    reason: '199.999 has more decimals than RUB has (2)',
  });
  assert.deepEqual(refused({ name: 'Bad\uFFFD(' }), { field: 'name', reason: 'is not valid UTF-8' });
  assert.equal(refused({ stock: 1.5 }).field, 'stock');
  assert.equal(refused({ sku: 'has space ' + 'x'.repeat(70) }).field, 'sku');
  assert.equal(refused({ price: 10.5 }, 'minor').field, 'price');
  assert.deepEqual(refused({ problem: { field: 'attributes', reason: 'is not a JSON object' } }), {
    field: 'attributes',
    reason: 'is not a JSON object',
  });
  assert.equal(refused({ attributes: { note: 'x'.repeat(501) } }).field, 'attributes/note');
});

test('an import updates only what differs: attribute order does not count', () => {
  const current: Product = {
    id: 'x',
    sku: 'S',
    name: 'N',
    description: '',
    category: 'C',
    price: 100,
    currency: 'RUB',
    stock: 1,
    attributes: { a: 1, b: 'two' },
    version: 3,
    created_at: '',
    updated_at: '',
  };
  const same = { ...current, attributes: { b: 'two', a: 1 } };
  assert.deepEqual(changesOf(current, same), {});
  assert.deepEqual(changesOf(current, { ...same, price: 120, attributes: { a: 1 } }), {
    price: 120,
    attributes: { a: 1 },
  });
});

test('the shipped example source is what examples/catalog-import/normalized.sql builds', async () => {
  const { DatabaseSync } = await import('node:sqlite');
  const { readFile } = await import('node:fs/promises');
  const dir = new URL('../../examples/catalog-import/', import.meta.url);
  const built = new DatabaseSync(':memory:');
  built.exec(await readFile(new URL('normalized.sql', dir), 'utf8'));
  const shipped = new DatabaseSync(new URL('normalized.sqlite', dir).pathname, { readOnly: true });
  for (const table of ['categories', 'items', 'properties', 'item_properties']) {
    const dump = (db: InstanceType<typeof DatabaseSync>) =>
      db.prepare(`SELECT hex(CAST(quote(t.rowid) AS BLOB)) AS r, * FROM ${table} t ORDER BY 1`).all();
    assert.deepEqual(dump(shipped), dump(built), table);
  }
  shipped.close();
  built.close();
});
