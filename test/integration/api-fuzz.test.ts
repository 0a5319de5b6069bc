import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, waitUntil } from '../../src/platform/processes.js';
import { testEnv } from '../support/env.js';
import { Client } from '../support/http.js';
import { failuresOf, fuzzApi } from '../support/schemathesis.js';

// The embedded store exactly as `npm start` runs it (generated admin password and auth secret
// under the state folder, demo customers), fuzzed by Schemathesis as an admin and as a customer.
// Its logs are kept whole, to look for secrets in them afterwards.
const BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

async function serve(dir: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: testEnv({ BAZAAR_STATE_DIR: dir, BAZAAR_SEED_PRODUCTS: '300', BAZAAR_SEED_USERS: '3' }),
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(() => /serving on (http:\/\/\S+)/.test(out) || child.exitCode !== null, 120_000, 'serve');
  const url = /serving on (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`bazaar serve did not start:\n${out}`);
  return {
    child,
    url,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('the embedded store as Schemathesis sees it', () => {
  let dir: string;
  let server: Server;
  let api: Client;
  let adminPassword: string;
  const tokens: string[] = [];
  const logs: string[] = [];

  const login = async (email: string, password: string) => {
    let reply = await api.post('/api/v1/auth/token', { body: { email, password } });
    // The fuzzer, from this same address, may have tripped the login throttle for this email
    // (it learns emails from responses): the throttle's wait, then the login goes through.
    if (reply.status === 429) {
      await sleep(Number(reply.headers.get('retry-after')) * 1000);
      reply = await api.post('/api/v1/auth/token', { body: { email, password } });
    }
    assert.equal(reply.status, 200, `${email} logs in`);
    return reply.body as { token: string; user: { role: string } };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bazaar-fuzz-'));
    server = await serve(dir);
    api = new Client(server.url);
    adminPassword = (await readFile(join(dir, 'admin-password'), 'utf8')).trim();
  });

  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the generated secrets are files only their owner can read', async () => {
    for (const name of ['admin-password', 'auth-secret']) {
      const mode = (await stat(join(dir, name))).mode & 0o777;
      assert.equal(mode.toString(8), '600', name);
    }
  });

  // The customer first: the admin's run may change or delete any account, the customer's own too.
  for (const [who, email] of [
    ['a customer', 'customer1@bazaar.local'],
    ['an admin', 'admin@bazaar.local'],
  ] as const) {
    test(`every check, every phase, as ${who}: no failure`, { timeout: 900_000 }, async () => {
      const { token } = await login(email, email.startsWith('admin') ? adminPassword : 'shopaholic');
      tokens.push(token);
      // 60 examples an operation, as the outside check does; the cluster's run takes 50.
      const run = await fuzzApi(server.url, token, 60);
      process.stdout.write(`# schemathesis as ${who}: ${/Test cases:\s*\n\s*(.+)/.exec(run.output)?.[1]}\n`);
      assert.equal(run.code, 0, failuresOf(run));
      assert.match(run.output, /Examples[\s\S]*Coverage[\s\S]*Fuzzing[\s\S]*Stateful/);
      assert.doesNotMatch(run.output, /Failures:/);
    });
  }

  test('after the runs the configured admin still logs in, and again after a restart, as admin', async () => {
    assert.equal((await login('admin@bazaar.local', adminPassword)).user.role, 'admin');
    logs.push(server.output());
    await server.stop();
    server = await serve(dir);
    api = new Client(server.url);
    assert.equal((await login('admin@bazaar.local', adminPassword)).user.role, 'admin');
  });

  test('nothing secret in the logs: no admin password, no token, no auth secret', async () => {
    logs.push(server.output());
    const secret = (await readFile(join(dir, 'auth-secret'), 'utf8')).trim();
    for (const file of await readdir(dir)) {
      if (file.endsWith('.log')) logs.push(await readFile(join(dir, file), 'utf8'));
    }
    const all = logs.join('\n');
    assert.ok(all.includes('Server listening'), 'the logs were captured');
    assert.ok(tokens.length === 2);
    for (const [what, value] of [
      ['admin password', adminPassword],
      ['auth secret', secret],
      ...tokens.map((t, i) => [`token ${i + 1}`, t] as const),
      // A token's signature alone is as good as the token.
      ...tokens.map((t, i) => [`token ${i + 1}'s signature`, t.split('.')[2]!] as const),
    ]) {
      assert.ok(!all.includes(value), `the ${what} appears in the logs`);
    }
  });
});
