import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ORDER_STATUSES,
  judgeTransition,
  releasesStock,
  addressEditable,
  deletable,
} from '../../src/modules/orders/index.js';

test('the status graph allows exactly the edges of docs/api.md', () => {
  const allowedForAdmin = ORDER_STATUSES.flatMap((from) =>
    ORDER_STATUSES.filter((to) => judgeTransition(from, to, 'admin') === 'allowed').map(
      (to) => `${from}->${to}`,
    ),
  );
  assert.deepEqual(allowedForAdmin.sort(), [
    'paid->cancelled',
    'paid->shipped',
    'pending_payment->cancelled',
    'pending_payment->paid',
    'shipped->delivered',
  ]);
});

test('a customer may pay or cancel an unpaid order and nothing else', () => {
  assert.equal(judgeTransition('pending_payment', 'paid', 'customer'), 'allowed');
  assert.equal(judgeTransition('pending_payment', 'cancelled', 'customer'), 'allowed');
  assert.equal(judgeTransition('paid', 'cancelled', 'customer'), 'forbidden');
  assert.equal(judgeTransition('paid', 'shipped', 'customer'), 'forbidden');
  assert.equal(judgeTransition('shipped', 'delivered', 'customer'), 'forbidden');
});

test('edges outside the graph are invalid whatever the role', () => {
  for (const role of ['customer', 'admin'] as const) {
    assert.equal(judgeTransition('delivered', 'cancelled', role), 'invalid');
    assert.equal(judgeTransition('cancelled', 'paid', role), 'invalid');
    assert.equal(judgeTransition('paid', 'paid', role), 'invalid');
    assert.equal(judgeTransition('pending_payment', 'shipped', role), 'invalid');
  }
});

test('only cancellation releases stock; address editable until shipped; only finished orders deletable', () => {
  assert.deepEqual(ORDER_STATUSES.filter(releasesStock), ['cancelled']);
  assert.deepEqual(ORDER_STATUSES.filter(addressEditable), ['pending_payment', 'paid']);
  assert.deepEqual(ORDER_STATUSES.filter(deletable), ['delivered', 'cancelled']);
});
