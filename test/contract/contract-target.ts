import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDatabase, type TestDatabase } from '../support/database.js';
import { ADMIN, startTestApp, type TestApp } from '../support/app.js';
import { Client } from '../support/http.js';

// The whole contract of docs/api.md, one file per domain. By default each file runs against an
// instance of its own on a fresh database; with BAZAAR_TEST_TARGET (and
// BAZAAR_TEST_ADMIN_PASSWORD) against any running entrypoint, such as a cluster's nginx.
const target = process.env.BAZAAR_TEST_TARGET;

export interface ContractTarget {
  api: Client;
  /** An admin's token. */
  admin: string;
  adminCredentials: { email: string; password: string };
  /** The instance ids a reply may carry: this file's own instance, or a cluster's. */
  servedBy: RegExp;
  /** The address the API sees this client at: loopback, or a simulated network's gateway. */
  clientIp: string;
}

/**
 * The address the API sees this client at: as the caller says (BAZAAR_TEST_CLIENT_IP: a cluster
 * on machines knows the address they see the launcher at); a target on a simulated host
 * (198.18.N.x) is reached from the network's gateway, 198.18.N.1; else loopback.
 */
function clientIpFor(url: string | undefined): string {
  if (process.env.BAZAAR_TEST_CLIENT_IP) return process.env.BAZAAR_TEST_CLIENT_IP;
  const host = url ? new URL(url).hostname : '127.0.0.1';
  const simulated = /^198\.18\.(\d+)\.\d+$/.exec(host);
  return simulated ? `198.18.${simulated[1]}.1` : '127.0.0.1';
}

/** Registers the suite's set-up and tear-down; the target is filled in before the first test. */
export function contractTarget(): ContractTarget {
  const ctx = {
    servedBy: target ? /^api:\d+$/ : /^test-1$/,
    adminCredentials: ADMIN,
    clientIp: clientIpFor(target),
  } as ContractTarget;
  let db: TestDatabase | undefined;
  let t: TestApp | undefined;
  before(async () => {
    if (target) {
      ctx.api = new Client(target);
      ctx.adminCredentials = {
        email: process.env.BAZAAR_TEST_ADMIN_EMAIL ?? 'admin@bazaar.local',
        password: process.env.BAZAAR_TEST_ADMIN_PASSWORD ?? '',
      };
      ctx.admin = (await ctx.api.post('/api/v1/auth/token', { body: ctx.adminCredentials })).body.token;
      return;
    }
    db = await startTestDatabase();
    t = await startTestApp(db.url);
    ctx.api = t.client;
    ctx.admin = t.adminToken;
  });
  after(async () => {
    await t?.close();
    await db?.stop();
  });
  return ctx;
}

/** A problem document with the status, and no stack trace or SQL in it. */
export function assertProblem(reply: { status: number; headers: Headers; body: any }, status: number) {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(reply.body.status, status);
  assert.equal(typeof reply.body.title, 'string');
  assert.equal(typeof reply.body.type, 'string');
  assert.doesNotMatch(JSON.stringify(reply.body), /at .*\.(ts|js):\d+|SELECT|INSERT/);
}
