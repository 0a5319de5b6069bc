import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatabaseUrl } from '../../src/adapters/postgres/endpoints.js';

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
