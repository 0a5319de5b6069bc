import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOrderEvent, encodeOrderEvent } from '../../src/modules/notifications/index.js';
import type { OrderEvent } from '../../src/modules/orders/index.js';

const event: OrderEvent = {
  id: '0192f0c4-3b1e-7a00-8000-000000000001',
  order_id: '0192f0c4-3b1e-7a00-8000-0000000000aa',
  user_id: '0192f0c4-3b1e-7a00-8000-0000000000bb',
  seq: 2,
  status: 'paid',
  cause: 'customer',
  total: 123450,
  currency: 'RUB',
  occurred_at: '2026-11-29T10:00:00.000Z',
};

test('an order event survives the trip through a message unchanged', () => {
  assert.deepEqual(decodeOrderEvent(encodeOrderEvent(event)), event);
});

test('a message that is not an order event is named as such, with the reason', () => {
  assert.deepEqual(decodeOrderEvent(undefined), { invalid: 'empty message' });
  assert.deepEqual(decodeOrderEvent('{"id":'), { invalid: 'not JSON' });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...event, seq: 0 }, /\/seq/],
    [{ ...event, seq: 1.5 }, /\/seq/],
    [{ ...event, status: 'lost' }, /\/status/],
    [{ ...event, cause: 'cosmic ray' }, /\/cause/],
    [{ ...event, total: -1 }, /\/total/],
    [{ ...event, currency: 'rub' }, /\/currency/],
    [{ ...event, order_id: undefined }, /\/order_id/],
  ];
  for (const [message, reason] of cases) {
    const decoded = decodeOrderEvent(JSON.stringify(message));
    assert.ok('invalid' in decoded, JSON.stringify(message));
    assert.match(decoded.invalid, reason);
  }
});

test('fields a later version adds are ignored, not refused', () => {
  assert.deepEqual(decodeOrderEvent(JSON.stringify({ ...event, channel: 'sms' })), event);
});
