import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSigner } from 'fast-jwt';
import { queryOnce, startTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, TEST_SECRET, newCustomer, startTestApp, type TestApp } from '../support/app.js';
import { assertProblem } from '../contract/contract-target.js';

// The security rules that need a setting or the whole database to themselves: the registration
// limit, an allowed CORS origin, expired tokens (the secret is known here), and the rules that
// keep the shop from locking its operators out (ADR 20).

let db: TestDatabase;
before(async () => {
  db = await startTestDatabase();
});
after(async () => {
  await db?.stop();
});

describe('settings', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(db.url, {
      BAZAAR_REGISTRATIONS_PER_MINUTE: '3',
      BAZAAR_CORS_ORIGINS: 'https://shop.example',
    });
  });
  after(() => t?.close());

  test('registration is limited per client address: the fourth in a minute gets 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await t.client.post('/api/v1/users', {
        body: { email: `limited${i}-${Date.now()}@example.test`, password: 'long-enough', name: 'L' },
      });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429]);
    assertProblem(last!, 429);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
  });

  test('CORS opens to the configured origin only', async () => {
    const allowed = await t.client.call('OPTIONS', '/api/v1/orders', {
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
    const read = await t.client.get('/api/v1/products?limit=1', {
      headers: { origin: 'https://shop.example' },
    });
    assert.equal(read.headers.get('access-control-allow-origin'), 'https://shop.example');
    const other = await t.client.get('/api/v1/products?limit=1', {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('an expired token, though signed with the right key, is 401', async () => {
    const me = (await t.client.get('/api/v1/users/me', { token: t.adminToken })).body;
    const expired = createSigner({
      key: TEST_SECRET,
      algorithm: 'HS256',
      expiresIn: 1000,
      clockTimestamp: Date.now() - 60_000,
    })({ sub: me.id, role: 'admin', ver: 1 });
    assertProblem(await t.client.get('/api/v1/users/me', { token: expired }), 401);
    const current = createSigner({ key: TEST_SECRET, algorithm: 'HS256', expiresIn: 60_000 })({
      sub: me.id,
      role: 'admin',
      ver: 1,
    });
    assert.equal((await t.client.get('/api/v1/users/me', { token: current })).status, 200, 'the control');
  });
});

describe('no lock-out: the last admin stays', () => {
  let t: TestApp;
  before(async () => {
    // Another account is the configured one here, so the test's admin is an ordinary admin.
    t = await startTestApp(db.url, { BAZAAR_ADMIN_EMAIL: 'someone-else@bazaar.test' });
  });
  after(() => t?.close());

  const me = async (token: string) => (await t.client.get('/api/v1/users/me', { token })).body;

  test('the last admin can be neither deleted nor demoted (409); with a second admin both work', async () => {
    const admin = await me(t.adminToken);
    const demote = await t.client.patch(`/api/v1/users/${admin.id}`, {
      token: t.adminToken,
      body: { role: 'customer' },
    });
    assertProblem(demote, 409);
    assert.match(demote.body.detail, /last admin/);
    assertProblem(await t.client.delete(`/api/v1/users/${admin.id}`, { token: t.adminToken }), 409);
    assert.equal((await me(t.adminToken)).role, 'admin');

    const second = await newCustomer(t.client);
    await t.client.patch(`/api/v1/users/${second.id}`, { token: t.adminToken, body: { role: 'admin' } });
    assert.equal((await t.client.delete(`/api/v1/users/${second.id}`, { token: t.adminToken })).status, 204);
    assertProblem(await t.client.delete(`/api/v1/users/${admin.id}`, { token: t.adminToken }), 409);
  });

  test('two admins removing each other at once: one succeeds, one admin is always left', async () => {
    const login = async (email: string, password = 'correct-horse-1') =>
      (await t.client.post('/api/v1/auth/token', { body: { email, password } })).body.token as string;
    const liveAdmins = async () =>
      (
        await queryOnce<{ n: number }>(
          db.url,
          "SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND deleted_at IS NULL",
        )
      )[0]!.n;
    for (let round = 0; round < 6; round++) {
      const [a, b] = [await newCustomer(t.client), await newCustomer(t.client)];
      for (const u of [a, b])
        await t.client.patch(`/api/v1/users/${u.id}`, { token: t.adminToken, body: { role: 'admin' } });
      // The configured admin steps down (allowed: a and b are admins), leaving a and b alone.
      const boot = await me(t.adminToken);
      const stepDown = await t.client.patch(`/api/v1/users/${boot.id}`, {
        token: t.adminToken,
        body: { role: 'customer' },
      });
      assert.equal(stepDown.status, 200, JSON.stringify(stepDown.body));
      assert.equal(await liveAdmins(), 2);
      const [aToken, bToken] = [await login(a.email), await login(b.email)];
      // Deleting or demoting: both go through the same rule.
      const removeB =
        round % 2 === 0
          ? t.client.delete(`/api/v1/users/${b.id}`, { token: aToken })
          : t.client.patch(`/api/v1/users/${b.id}`, { token: aToken, body: { role: 'customer' } });
      const replies = await Promise.all([
        removeB,
        t.client.delete(`/api/v1/users/${a.id}`, { token: bToken }),
      ]);
      const succeeded = replies.filter((r) => r.status < 300);
      assert.equal(succeeded.length, 1, `round ${round}: ${replies.map((r) => r.status)}`);
      // The other was refused: the last admin (409), or no longer an admin (403) or a user (401).
      assert.ok(
        replies.some((r) => [401, 403, 409].includes(r.status)),
        `round ${round}`,
      );
      assert.equal(await liveAdmins(), 1, `round ${round}: exactly one admin left`);
      // A start restores the configured admin.
      await t.app.users.ensureAdmin(ADMIN.email, ADMIN.password);
      t.adminToken = await login(ADMIN.email, ADMIN.password);
      // The survivor goes, so the next round starts from the configured admin alone.
      for (const u of [a, b]) await t.client.delete(`/api/v1/users/${u.id}`, { token: t.adminToken });
      assert.equal(await liveAdmins(), 1);
    }
  });

  test('an admin changes their own email or password only with the current password', async () => {
    const admin = await me(t.adminToken);
    for (const body of [{ password: 'another-pass-9' }, { email: 'taken-over@example.test' }]) {
      assertProblem(await t.client.patch(`/api/v1/users/${admin.id}`, { token: t.adminToken, body }), 403);
      assertProblem(
        await t.client.patch(`/api/v1/users/${admin.id}`, {
          token: t.adminToken,
          body: { ...body, current_password: 'not-the-password' },
        }),
        403,
      );
    }
    const named = await t.client.patch(`/api/v1/users/${admin.id}`, {
      token: t.adminToken,
      body: { name: 'Ops' },
    });
    assert.equal(named.status, 200, 'the name needs no password');
    const changed = await t.client.patch(`/api/v1/users/${admin.id}`, {
      token: t.adminToken,
      body: { password: 'another-pass-9', current_password: ADMIN.password },
    });
    assert.equal(changed.status, 200);
    assert.equal(
      (
        await t.client.post('/api/v1/auth/token', {
          body: { email: ADMIN.email, password: 'another-pass-9' },
        })
      ).status,
      200,
    );
  });
});

describe('no lock-out: the configured admin', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(db.url);
  });
  after(() => t?.close());

  test('is neither deleted nor demoted through the API, and only its holder changes its credentials', async () => {
    const admin = (await t.client.get('/api/v1/users/me', { token: t.adminToken })).body;
    const other = await newCustomer(t.client);
    await t.client.patch(`/api/v1/users/${other.id}`, { token: t.adminToken, body: { role: 'admin' } });
    const otherToken = (
      await t.client.post('/api/v1/auth/token', { body: { email: other.email, password: 'correct-horse-1' } })
    ).body.token;
    for (const token of [otherToken, t.adminToken]) {
      const deleted = await t.client.delete(`/api/v1/users/${admin.id}`, { token });
      assertProblem(deleted, 409);
      assert.match(deleted.body.detail, /configured admin/);
      assertProblem(
        await t.client.patch(`/api/v1/users/${admin.id}`, { token, body: { role: 'customer' } }),
        409,
      );
    }
    for (const body of [{ password: 'taken-over-1' }, { email: 'mallory@example.test' }]) {
      assertProblem(await t.client.patch(`/api/v1/users/${admin.id}`, { token: otherToken, body }), 403);
    }
    assert.equal((await t.client.post('/api/v1/auth/token', { body: ADMIN })).body.user.role, 'admin');
  });

  test('a start restores it however it was changed outside the API: deleted, demoted, password lost', async () => {
    for (const change of [
      "UPDATE users SET role = 'customer', password_hash = 'lost' WHERE email = 'admin@bazaar.test'",
      "UPDATE users SET deleted_at = now() WHERE email = 'admin@bazaar.test' AND deleted_at IS NULL",
    ]) {
      await queryOnce(db.url, change);
      assertProblem(await t.client.post('/api/v1/auth/token', { body: ADMIN }), 401);
      // What every start does.
      await t.app.users.ensureAdmin(ADMIN.email, ADMIN.password);
      const back = await t.client.post('/api/v1/auth/token', { body: ADMIN });
      assert.equal(back.status, 200);
      assert.equal(back.body.user.role, 'admin');
    }
  });
});
