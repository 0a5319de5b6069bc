import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { Database } from '../../src/adapters/postgres/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { Metrics } from '../../src/platform/metrics.js';
import { startTestDatabase, type TestDatabase } from '../support/database.js';

// The database client over several endpoints, against a real server and a port that refuses.
let db: TestDatabase;
let live: string;
let refusingPort: number;

before(async () => {
  db = await startTestDatabase();
  live = new URL(db.url.replace('postgres://', 'http://')).host;
  // A port that was free a moment ago: connecting to it is refused.
  const probe: Server = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  refusingPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
});
after(async () => db?.stop());

function urlWith(hosts: string[]): string {
  const parsed = new URL(db.url.replace('postgres://', 'http://'));
  return `postgres://${parsed.username}:${parsed.password}@${hosts.join(',')}${parsed.pathname}`;
}

const ping = { name: 'test.ping', text: 'SELECT 1 AS one' };

/** The database client over these endpoints, silent, with a pool of `poolSize`. */
function openDatabase(hosts: string[], poolSize: number, options: { downForMs?: number } = {}): Database {
  return new Database(urlWith(hosts), {
    poolSize,
    logger: createLogger('silent'),
    metrics: new Metrics(),
    ...options,
  });
}

test('a refusing endpoint is skipped: every query succeeds on the live one', async () => {
  const database = openDatabase([`127.0.0.1:${refusingPort}`, live], 4, { downForMs: 60_000 });
  try {
    for (let i = 0; i < 10; i++) assert.equal((await database.query<{ one: number }>(ping)).rows[0]!.one, 1);
    await database.transaction(async (tx) =>
      assert.equal((await tx.query<{ one: number }>(ping)).rows[0]!.one, 1),
    );
  } finally {
    await database.close();
  }
});

/** A TCP relay to the live server that counts the connections it carries. */
async function relay(): Promise<{ host: string; connections: () => number; close: () => void }> {
  const [host, port] = live.split(':');
  let count = 0;
  const server = createServer((client) => {
    count++;
    const upstream = connect(Number(port), host!);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    connections: () => count,
    close: () => server.close(),
  };
}

test('connections go round-robin over the endpoints', async () => {
  const [a, b] = [await relay(), await relay()];
  const database = openDatabase([a.host, b.host], 4);
  try {
    await Promise.all(Array.from({ length: 4 }, () => database.query(ping)));
    assert.ok(a.connections() > 0 && b.connections() > 0, `${a.connections()} / ${b.connections()}`);
  } finally {
    await database.close();
    a.close();
    b.close();
  }
});

test('with every endpoint refusing, a query fails fast with 503, not a hang', async () => {
  const database = openDatabase([`127.0.0.1:${refusingPort}`], 2);
  try {
    await assert.rejects(database.query(ping), (error: { status?: number }) => error.status === 503);
  } finally {
    await database.close();
  }
});

test('an endpoint set aside is tried again once its time is up', async () => {
  const database = openDatabase([`127.0.0.1:${refusingPort}`, live], 2, { downForMs: 50 });
  const server = createServer();
  try {
    await database.query(ping); // sets the refusing endpoint aside
    // The endpoint comes back: a plain TCP listener is enough to show it is being connected to again.
    let connections = 0;
    server.on('connection', (socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((r) => server.listen(refusingPort, '127.0.0.1', () => r()));
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 4; i++) await database.query(ping).catch(() => undefined);
    assert.ok(connections > 0, 'the endpoint was probed again');
  } finally {
    server.close();
    await database.close();
  }
});

test('warming opens every pooled connection of every endpoint, each a session of its own', async () => {
  const [a, b] = [await relay(), await relay()];
  const database = openDatabase([a.host, b.host], 6);
  try {
    const backends = { name: 'test.backend', text: 'SELECT pg_backend_pid() AS pid' };
    assert.equal(await database.warm(backends), 6);
    assert.deepEqual([a.connections(), b.connections()], [3, 3]);
    // The warmed connections stay in the pools: the next queries open none.
    await Promise.all(Array.from({ length: 6 }, () => database.query(backends)));
    assert.deepEqual([a.connections(), b.connections()], [3, 3]);
  } finally {
    await database.close();
    a.close();
    b.close();
  }
});

test('warming stops at the first endpoint that refuses and still warms the others', async () => {
  const database = openDatabase([`127.0.0.1:${refusingPort}`, live], 4);
  try {
    assert.equal(await database.warm(ping), 2);
  } finally {
    await database.close();
  }
});
