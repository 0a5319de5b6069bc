import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitSeconds } from '../../src/modules/users/index.js';
import { etagOf, matchesIfNoneMatch, parseIfMatch } from '../../src/modules/catalog/etag.js';
import { normaliseSearchText } from '../../src/modules/search/index.js';
import { parseDatabaseUrl } from '../../src/adapters/postgres/endpoints.js';
import { parseDuration } from '../../src/platform/duration.js';
import { requestHash } from '../../src/modules/orders/request-hash.js';
import { mergeLines } from '../../src/modules/orders/order-pricing.js';
import { deterministicUuidV7, isUuid } from '../../src/platform/ids.js';
import { seededRandom } from '../../src/seed/random.js';

test('login throttle: the sixth attempt within the window waits until the oldest failure leaves it', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  assert.equal(waitSeconds(4, t0, at(1000), 5, 60_000), 0);
  assert.equal(waitSeconds(5, t0, at(0), 5, 60_000), 60);
  assert.equal(waitSeconds(5, t0, at(30_000), 5, 60_000), 30);
  assert.equal(waitSeconds(7, t0, at(59_999), 5, 60_000), 1);
  assert.equal(waitSeconds(0, null, at(0), 5, 60_000), 0);
});

test('If-Match accepts the ETag, a weak ETag, a bare version and *', () => {
  assert.equal(parseIfMatch(etagOf(7)), 7);
  assert.equal(parseIfMatch('W/"7"'), 7);
  assert.equal(parseIfMatch('7'), 7);
  assert.equal(parseIfMatch('*'), undefined);
  assert.equal(parseIfMatch(undefined), undefined);
  assert.throws(() => parseIfMatch('"abc"'), /If-Match/);
  assert.equal(matchesIfNoneMatch('"3", "7"', 7), true);
  assert.equal(matchesIfNoneMatch('"3"', 7), false);
});

test('search text is lower-cased, split on punctuation and bounded', () => {
  assert.equal(normaliseSearchText('  Платье, ХЛОПОК!! '), 'платье хлопок');
  assert.equal(normaliseSearchText('?!'), '');
  assert.equal(
    normaliseSearchText(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ')).split(' ').length,
    12,
  );
});

test('DATABASE_URL may name several hosts', () => {
  const target = parseDatabaseUrl('postgres://app:s%40cret@h1:5001,h2:5002,[::1]/shop');
  assert.deepEqual(target.endpoints, [
    { host: 'h1', port: 5001 },
    { host: 'h2', port: 5002 },
    { host: '::1', port: 5432 },
  ]);
  assert.equal(target.password, 's@cret');
  assert.equal(target.database, 'shop');
  assert.throws(() => parseDatabaseUrl('mysql://x'), /postgres/);
});

test('durations', () => {
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('250'), 250);
  assert.throws(() => parseDuration('ten minutes'));
});

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

test('seeded UUIDv7 ids are valid, time-ordered and repeatable', () => {
  const a = deterministicUuidV7(1_700_000_000_000, seededRandom(1));
  const b = deterministicUuidV7(1_700_000_000_000, seededRandom(1));
  const later = deterministicUuidV7(1_700_000_000_001, seededRandom(1));
  assert.equal(a, b);
  assert.ok(isUuid(a));
  assert.equal(a[14], '7');
  assert.ok(later > a);
});

test('database errors: unavailability by SQLSTATE class, never by message text', async () => {
  const { isConnectionError, translateDatabaseError } = await import('../../src/adapters/postgres/errors.js');
  for (const code of ['08006', '57P01', '53300', 'XX000', '25006', 'ECONNREFUSED']) {
    assert.equal(isConnectionError({ code }), true, code);
  }
  // A write a standby refused (a primary just demoted, a standby not yet promoted): a 503, never a 500.
  const readOnly = translateDatabaseError({
    code: '25006',
    message: 'cannot execute INSERT in a read-only transaction',
  }) as any;
  assert.equal(readOnly.status, 503);
  for (const code of ['23505', '40001', '22P02']) assert.equal(isConnectionError({ code }), false, code);
  const translated = translateDatabaseError({
    code: 'XX000',
    message: 'unable to read data from DB node 1',
  }) as any;
  assert.equal(translated.status, 503);
  assert.equal(translated.extra.retryAfterSeconds, 2);
});

test('an endpoint that stops answering (a cut link) is unavailability too, not a bug', async () => {
  const { isConnectionError, isRefusedWithoutEffect, isStatementTimeout, translateDatabaseError } =
    await import('../../src/adapters/postgres/errors.js');
  const timeout = new Error('Query read timeout');
  assert.equal(isConnectionError(timeout), true);
  assert.equal(isStatementTimeout(timeout), true);
  assert.equal(isStatementTimeout(new Error('Connection terminated unexpectedly')), false);
  // Only a refusal that changed nothing may be sent again whatever it was; a lost connection may not.
  assert.equal(isRefusedWithoutEffect({ code: '25006' }), true);
  assert.equal(isRefusedWithoutEffect({ code: '57P01' }), false);
  assert.equal((translateDatabaseError(timeout) as any).status, 503);
  assert.equal(isConnectionError(new Error('syntax error at or near')), false);
});

test('only a plain SELECT counts as safe to send again on a fresh connection', async () => {
  const { isReadOnly, onPrimary } = await import('../../src/adapters/postgres/database.js');
  assert.equal(isReadOnly('SELECT 1'), true);
  assert.equal(isReadOnly(onPrimary('SELECT id FROM orders WHERE id = $1')), true);
  assert.equal(isReadOnly('  select * from products'), true);
  assert.equal(isReadOnly('SELECT stock FROM products WHERE id = $1 FOR UPDATE'), false);
  assert.equal(isReadOnly('UPDATE products SET stock = 0'), false);
  assert.equal(isReadOnly('WITH d AS (DELETE FROM carts RETURNING *) SELECT * FROM d'), false);
  assert.equal(isReadOnly('INSERT INTO users SELECT 1'), false);
});
