import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertMinorUnits, commonCurrency, lineTotal, sumMinorUnits } from '../../src/platform/money.js';
import { priceCart } from '../../src/modules/carts/index.js';

test('line totals multiply integer minor units exactly', () => {
  assert.equal(lineTotal(1999, 3), 5997);
  assert.equal(lineTotal(0, 5), 0);
  // 0.1 + 0.2 style drift cannot happen with integers
  assert.equal(sumMinorUnits([10, 20]), 30);
});

test('fractions, negatives and unsafe integers are refused', () => {
  assert.throws(() => assertMinorUnits(10.5), RangeError);
  assert.throws(() => assertMinorUnits(-1), RangeError);
  assert.throws(() => lineTotal(100, 0), RangeError);
  assert.throws(() => lineTotal(Number.MAX_SAFE_INTEGER, 2), RangeError);
  assert.throws(() => sumMinorUnits([Number.MAX_SAFE_INTEGER, 1]), RangeError);
});

test('a cart or order has one currency', () => {
  assert.equal(commonCurrency(['RUB', 'RUB'], 'USD'), 'RUB');
  assert.equal(commonCurrency([], 'RUB'), 'RUB');
  assert.throws(() => commonCurrency(['RUB', 'USD'], 'RUB'), RangeError);
});

test('a cart is priced with current prices and leaves out products no longer for sale', () => {
  const cart = priceCart(
    'u1',
    [
      { product_id: 'b', quantity: 2 },
      { product_id: 'a', quantity: 1 },
      { product_id: 'gone', quantity: 4 },
    ],
    [
      { id: 'a', name: 'A', price: 1050, currency: 'RUB' },
      { id: 'b', name: 'B', price: 333, currency: 'RUB' },
    ],
    '2026-01-01T00:00:00.000Z',
    'RUB',
  );
  assert.deepEqual(
    cart.items.map((i) => [i.product_id, i.line_total]),
    [
      ['a', 1050],
      ['b', 666],
    ],
  );
  assert.equal(cart.total, 1716);
});
