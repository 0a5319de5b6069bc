import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestHash } from '../../src/modules/orders/request-hash.js';
import { mergeLines } from '../../src/modules/orders/order-pricing.js';

test('request hashes ignore key order but not values', () => {
  assert.equal(requestHash({ a: 1, b: [1, 2] }), requestHash({ b: [1, 2], a: 1 }));
  assert.notEqual(requestHash({ a: 1 }), requestHash({ a: 2 }));
  assert.equal(requestHash({ a: 1, b: undefined }), requestHash({ a: 1 }));
});

test('repeated products merge into one line', () => {
  assert.deepEqual(
    mergeLines([
      { product_id: 'x', quantity: 1 },
      { product_id: 'y', quantity: 2 },
      { product_id: 'x', quantity: 3 },
    ]),
    [
      { product_id: 'x', quantity: 4 },
      { product_id: 'y', quantity: 2 },
    ],
  );
});
