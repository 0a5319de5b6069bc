import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitSeconds } from '../../src/modules/users/index.js';

test('login throttle: the sixth attempt within the window waits until the oldest failure leaves it', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  assert.equal(waitSeconds(4, t0, at(1000), 5, 60_000), 0);
  assert.equal(waitSeconds(5, t0, at(0), 5, 60_000), 60);
  assert.equal(waitSeconds(5, t0, at(30_000), 5, 60_000), 30);
  assert.equal(waitSeconds(7, t0, at(59_999), 5, 60_000), 1);
  assert.equal(waitSeconds(0, null, at(0), 5, 60_000), 0);
});
