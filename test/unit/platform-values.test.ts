import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../src/platform/duration.js';
import { deterministicUuidV7, isUuid } from '../../src/platform/ids.js';
import { seededRandom } from '../../src/seed/random.js';

test('durations', () => {
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('250'), 250);
  assert.throws(() => parseDuration('ten minutes'));
});

test('seeded UUIDv7 ids are valid, time-ordered and repeatable', () => {
  const a = deterministicUuidV7(1_700_000_000_000, seededRandom(1));
  const b = deterministicUuidV7(1_700_000_000_000, seededRandom(1));
  const later = deterministicUuidV7(1_700_000_000_001, seededRandom(1));
  assert.equal(a, b);
  assert.ok(isUuid(a));
  assert.equal(a[14], '7');
  assert.ok(later > a);
});
