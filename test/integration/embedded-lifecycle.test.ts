import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, waitUntil } from '../../src/platform/processes.js';
import { testEnv } from '../support/env.js';
import { bazaar } from '../support/cli.js';

// However `bazaar serve` ends, the embedded PostgreSQL it started ends with it: a signal to the
// process or to its whole group (what systemd, `timeout` or a supervisor send), an uncaught
// error, a start that fails, a signal in the middle of the first start.
const BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));
// Planted in the server process only: SIGUSR2 makes it throw an error nothing catches.
const CRASH_ON_USR2 =
  'data:text/javascript,process.on("SIGUSR2",()=>setImmediate(()=>{throw new Error("planted uncaught error")}))';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-lifecycle-'));
  dirs.push(dir);
  return dir;
}

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `bazaar serve` in a process group of its own, with only the settings stated here. */
function serve(dir: string, options: { port?: number; products?: number; nodeArgs?: string[] } = {}): Server {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), BIN, 'serve', '--port', String(options.port ?? 0), '--log-level', 'info'],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: testEnv({
        BAZAAR_STATE_DIR: dir,
        BAZAAR_ADMIN_PASSWORD: 'lifecycle-admin-1',
        BAZAAR_SEED_PRODUCTS: String(options.products ?? 20),
        BAZAAR_SEED_USERS: '2',
      }),
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function postmasterPid(dir: string): number | undefined {
  const file = join(dir, 'postgres', 'data', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function serving(server: Server): Promise<void> {
  await waitUntil(
    () => /serving on/.test(server.output()) || server.child.exitCode !== null,
    120_000,
    'serving',
  );
  assert.match(server.output(), /serving on/, server.output());
}

/** Ends the server the given way, then checks that it exited and took its PostgreSQL along. */
async function endsWithItsPostgres(dir: string, end: (server: Server) => void, nodeArgs?: string[]) {
  const server = serve(dir, nodeArgs ? { nodeArgs } : {});
  await serving(server);
  const postgres = postmasterPid(dir);
  assert.ok(postgres && isAlive(postgres), 'the embedded PostgreSQL runs while the store serves');
  end(server);
  await server.exited;
  await waitUntil(() => !isAlive(postgres), 30_000, `PostgreSQL ${postgres} gone`);
  return server;
}

describe('the embedded PostgreSQL ends with its server', () => {
  let dir: string;

  test('SIGTERM to the process group (as systemd or `timeout` send it): drained, exit 0', async () => {
    dir = await stateDir();
    const server = await endsWithItsPostgres(dir, (s) => process.kill(-s.child.pid!, 'SIGTERM'));
    assert.equal(server.child.exitCode, 0);
  });

  test('SIGINT to the process alone (Ctrl-C)', async () => {
    const server = await endsWithItsPostgres(dir, (s) => s.child.kill('SIGINT'));
    assert.equal(server.child.exitCode, 0);
  });

  test('SIGTERM to the process alone', async () => {
    const server = await endsWithItsPostgres(dir, (s) => s.child.kill('SIGTERM'));
    assert.equal(server.child.exitCode, 0);
  });

  test('an uncaught error: exit 1, PostgreSQL stopped', async () => {
    const server = await endsWithItsPostgres(dir, (s) => s.child.kill('SIGUSR2'), [
      '--import',
      CRASH_ON_USR2,
    ]);
    assert.equal(server.child.exitCode, 1);
    assert.match(server.output(), /planted uncaught error/);
  });

  test('a start that fails (port taken): exit 1, PostgreSQL stopped', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const server = serve(dir, { port: (taken.address() as AddressInfo).port });
      assert.equal(await server.exited, 1, server.output());
      assert.match(server.output(), /EADDRINUSE|address already in use/i);
      const postgres = postmasterPid(dir);
      assert.ok(postgres === undefined || !isAlive(postgres), 'no PostgreSQL left running');
    } finally {
      taken.close();
    }
  });

  test('SIGTERM to the group in the middle of the first start (seeding)', async () => {
    const fresh = await stateDir();
    const server = serve(fresh, { products: 5000 });
    await waitUntil(() => /seeding the demo catalogue/.test(server.output()), 120_000, 'seeding started');
    const postgres = postmasterPid(fresh);
    assert.ok(postgres && isAlive(postgres));
    process.kill(-server.child.pid!, 'SIGTERM');
    await server.exited;
    await waitUntil(() => !isAlive(postgres), 30_000, `PostgreSQL ${postgres} gone`);
  });

  test('a start adopts nothing stale: a PostgreSQL left by a killed server is stopped, then started anew', async () => {
    const server = serve(dir);
    await serving(server);
    const stale = postmasterPid(dir)!;
    process.kill(server.child.pid!, 'SIGKILL');
    await server.exited;
    assert.ok(isAlive(stale), 'SIGKILL gives the server no chance: its PostgreSQL is left');
    const next = await endsWithItsPostgres(dir, (s) => s.child.kill('SIGTERM'));
    assert.match(next.output(), /left running by a process that is gone/);
    assert.ok(!isAlive(stale));
  });
});

/** The address a running `bazaar serve` printed. */
function baseOf(server: Server): string {
  return /serving on (http:\/\/\S+)/.exec(server.output())![1]!;
}

/** Log lines at warning level or above (pino: 40 warn, 50 error) printed after `from`. */
function warnings(server: Server, from: number): string[] {
  return server
    .output()
    .slice(from)
    .split('\n')
    .filter((line) => /"level":(4|5|6)0/.test(line));
}

describe('one owner per embedded store: commands beside a running `bazaar serve`', () => {
  let dir: string;
  let server: Server;
  const env = () => testEnv({ BAZAAR_STATE_DIR: dir });

  test('export and import work through the running server: it keeps answering, shows the imports, logs no warning', async () => {
    dir = await stateDir();
    server = serve(dir);
    await serving(server);
    const postgres = postmasterPid(dir)!;
    const quietFrom = server.output().length;
    const exported = await bazaar(['export', join(dir, 'store.sqlite')], env());
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^20 products/m);
    await bazaar(['export', join(dir, 'more.sqlite'), '--demo', '--products', '30', '--seed', '77'], env());
    const imported = await bazaar(['import', join(dir, 'more.sqlite')], env());
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /30 read, 30 inserted/);
    const dry = await bazaar(['import', join(dir, 'store.sqlite'), '--dry-run'], env());
    assert.equal(dry.code, 0, dry.stderr);

    assert.ok(isAlive(postgres), "the server's PostgreSQL still runs");
    assert.equal(postmasterPid(dir), postgres, 'no other PostgreSQL was started');
    const ready = await fetch(`${baseOf(server)}/ready`);
    assert.equal(ready.status, 200, await ready.text());
    const list = (await (await fetch(`${baseOf(server)}/api/v1/products?limit=100`)).json()) as {
      total: number;
      items: Array<{ sku: string }>;
    };
    assert.equal(list.total, 50, 'the 20 seeded products and the 30 imported');
    assert.equal(list.items.filter((p) => p.sku.startsWith('S77-')).length, 30);
    assert.deepEqual(warnings(server, quietFrom), [], 'the serving log stays quiet');
  });

  test('a second `serve` on the same state folder refuses with one clear line; the first goes on', async () => {
    const second = serve(dir);
    assert.equal(await second.exited, 1, second.output());
    assert.match(
      second.output(),
      new RegExp(`in use by \`bazaar serve\` \\(pid ${server.child.pid}, serving on http://`),
    );
    assert.doesNotMatch(second.output(), /\n\s+at /, 'no stack trace');
    assert.equal((await fetch(`${baseOf(server)}/ready`)).status, 200);
  });

  test('the owner ends: its server stops, and the next command owns the store', async () => {
    const postgres = postmasterPid(dir)!;
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    await waitUntil(() => !isAlive(postgres), 30_000, `PostgreSQL ${postgres} gone`);
    const exported = await bazaar(['export', join(dir, 'after.sqlite')], env());
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^50 products/m);
    assert.equal(existsSync(join(dir, 'postgres', 'owner.json')), false, 'the export gave the store up');
  });
});
