import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSigner } from 'fast-jwt';
import { TokenService } from '../../src/platform/tokens.js';

const SECRET = 'a-shared-secret-of-enough-length';

test('a token issued by one instance is accepted by another with the same secret', () => {
  const token = new TokenService(SECRET).issue({ sub: 'u1', role: 'customer', ver: 3 });
  assert.deepEqual(new TokenService(SECRET).check(token), { sub: 'u1', role: 'customer', ver: 3 });
});

test('expired, forged and malformed tokens are refused', () => {
  const twoHoursAgo = Date.now() - 2 * 3600 * 1000;
  const expired = createSigner({
    key: SECRET,
    algorithm: 'HS256',
    expiresIn: 3600 * 1000,
    clockTimestamp: twoHoursAgo,
  })({
    sub: 'u1',
    role: 'customer',
    ver: 1,
  });
  const tokens = new TokenService(SECRET);
  assert.equal(tokens.check(expired), null);
  assert.equal(
    tokens.check(new TokenService('another-secret-entirely!').issue({ sub: 'u1', role: 'admin', ver: 1 })),
    null,
  );
  assert.equal(tokens.check('garbage'), null);
  const unsigned = createSigner({ algorithm: 'none' })({ sub: 'u1', role: 'admin', ver: 1 });
  assert.equal(tokens.check(unsigned), null);
  // A token without the credentials version (as issued before it existed) is not accepted.
  const unversioned = createSigner({ key: SECRET, algorithm: 'HS256' })({ sub: 'u1', role: 'admin' });
  assert.equal(tokens.check(unversioned), null);
});
