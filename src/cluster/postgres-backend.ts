import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dictionaryFiles } from '../adapters/postgres/dictionaries.js';
import { componentDir, type Topology, countOf } from './layout.js';
import { at, clientNetworks, hasOwnAddresses } from './addresses.js';
import { machineOf } from './machines/machine-of.js';
import { portAnswers, sleep, waitUntil, type Owner } from '../platform/processes.js';
import type { PostgresPaths } from './requirements.js';
import { OWN_SETTINGS, recoveryScripts } from './recovery-scripts.js';
import { DATABASE, PG_USER, standbyName } from './postgres-names.js';

export { DATABASE, PG_USER, STANDBY_PREFIX, START_REQUEST, standbyName } from './postgres-names.js';

/** Connections each backend must accept: every pgpool child may hold one, plus room for tools. */
export function maxConnections(t: Topology): number {
  return countOf(t, 'pgpool') * pgpoolChildren(t) + 40;
}

/** Connections of each API instance's pool, spread over the pgpool-II instances. */
export const API_POOL_SIZE = 16;

export function pgpoolChildren(t: Topology): number {
  // Each API instance spreads its pool over the pgpools; a client beyond num_init_children
  // would block without an error, so leave generous headroom.
  return Math.max(32, countOf(t, 'api') * Math.ceil(API_POOL_SIZE / countOf(t, 'pgpool')) + 16);
}

export function dataDir(t: Topology, i: number): string {
  return join(componentDir(t, 'postgres', i), 'data');
}

/** The postmaster's pid, from its pid file on the backend's machine (undefined: not running). */
export async function postmasterPid(t: Topology, i: number): Promise<number | undefined> {
  const text = await machineOf(t, 'postgres', i).readFile(join(dataDir(t, i), 'postmaster.pid'));
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Streaming only. Bazaar sends a transaction's statements back to back: a session idle inside one
 * for 5 s has a client that is gone or stuck. pgpool-II 4.3 can leave a child waiting for an answer
 * that never comes when a load-balancing standby dies under an open transaction, the transaction
 * idle on the primary with its row locks held (every checkout of that product queued behind it,
 * until pgpool-II had no child left); ended here, its locks go and the child reads EOF. Not under
 * native replication: there each backend's session of one transaction must end alike, and a timer
 * per backend could end one while pgpool-II, waiting on another, later commits there (ADR 21).
 */
const STUCK_SESSION_TIMEOUT = "idle_in_transaction_session_timeout = '5s'";

function serverSettings(t: Topology, i: number): string {
  const lines = [
    `port = ${at(t, 'postgres', i).port}`,
    // On a simulated host: its own address for the others, and its namespace's loopback for the
    // recovery scripts that run beside it.
    `listen_addresses = '${listenAddresses(t, i)}'`,
    `unix_socket_directories = '${componentDir(t, 'postgres', i)}'`,
    // A standby streams under this name, which synchronous_standby_names lists (ADR 21).
    `cluster_name = '${standbyName(i)}'`,
    `max_connections = ${maxConnections(t)}`,
    'jit = off',
    'wal_level = replica',
    'max_wal_senders = 10',
    'max_replication_slots = 10',
    'hot_standby = on',
    'wal_keep_size = 256MB',
    // pg_rewind turns a former primary into a standby of the new one without a full copy.
    'wal_log_hints = on',
    // A peer that goes silent (a cut link) is given up in seconds, not after TCP's minutes.
    "wal_sender_timeout = '5s'",
    "wal_receiver_timeout = '5s'",
    'tcp_keepalives_idle = 5',
    'tcp_keepalives_interval = 1',
    'tcp_keepalives_count = 3',
    ...(t.mode === 'streaming' ? [STUCK_SESSION_TIMEOUT] : []),
    `shared_buffers = 128MB`,
    'logging_collector = off',
  ];
  return `${lines.join('\n')}\n`;
}

/** An empty folder for backend i, owned by the server's user. */
async function freshFolder(t: Topology, i: number, owner: Owner | undefined): Promise<void> {
  const dir = componentDir(t, 'postgres', i);
  const machine = machineOf(t, 'postgres', i);
  await machine.remove(dir);
  await machine.mkdir(dir, { mode: 0o700, ...(owner ? { owner } : {}) });
}

/** What a backend listens on: its own address for the others, loopback for the scripts beside it. */
function listenAddresses(t: Topology, i: number): string {
  return hasOwnAddresses(t) ? `${at(t, 'postgres', i).host},127.0.0.1` : '127.0.0.1';
}

/** A hot standby of the primary (postgres:0), for streaming mode: a base backup that follows it. */
export async function createStandby(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<void> {
  await freshFolder(t, i, owner);
  const machine = machineOf(t, 'postgres', i);
  const primary = at(t, 'postgres', 0);
  await machine.run(
    join(pg.bin, 'pg_basebackup'),
    [
      '-h',
      primary.host,
      '-p',
      String(primary.port),
      '-U',
      PG_USER,
      '-D',
      dataDir(t, i),
      '-X',
      'stream',
      '-R',
      '-c',
      'fast',
    ],
    { ...(owner ? { owner } : {}) },
  );
  const own = at(t, 'postgres', i);
  await machine.run(
    '/bin/sh',
    ['-c', OWN_SETTINGS(dataDir(t, i), String(own.port), String(i), listenAddresses(t, i))],
    {
      ...(owner ? { owner } : {}),
    },
  );
}

export async function createBackend(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<void> {
  await freshFolder(t, i, owner);
  const machine = machineOf(t, 'postgres', i);
  const as = owner ? { owner } : {};
  await machine.run(
    join(pg.bin, 'initdb'),
    [
      '-D',
      dataDir(t, i),
      '--auth=trust',
      `--username=${PG_USER}`,
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-instructions',
    ],
    as,
  );
  await machine.writeFile(join(dataDir(t, i), 'postgresql.auto.conf'), serverSettings(t, i), as);
  for (const [name, body] of Object.entries(recoveryScripts(t, pg)))
    await machine.writeFile(join(dataDir(t, i), name), body, { mode: 0o700, ...as });
  // On hosts and machines of their own the others connect from the network, not from loopback.
  const networks = clientNetworks(t);
  if (networks.length > 0)
    await machine.appendFile(
      join(dataDir(t, i), 'pg_hba.conf'),
      networks.map((n) => `host all all ${n} trust\nhost replication all ${n} trust\n`).join(''),
    );
}

export async function startBackend(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<number> {
  const machine = machineOf(t, 'postgres', i);
  const existing = await postmasterPid(t, i);
  if (existing && (await machine.isAlive(existing))) return existing;
  await machine.remove(join(dataDir(t, i), 'postmaster.pid'));
  await machine.startDaemon(join(pg.bin, 'postgres'), ['-D', dataDir(t, i)], {
    logFile: join(componentDir(t, 'postgres', i), 'postgres.log'),
    ...(owner ? { owner } : {}),
  });
  await waitBackendReady(t, i, pg, owner);
  return (await postmasterPid(t, i))!;
}

/** Waits until backend i answers and accepts connections (asked on its own machine). */
export async function waitBackendReady(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<void> {
  const { host, port } = at(t, 'postgres', i);
  const machine = machineOf(t, 'postgres', i);
  await waitUntil(() => portAnswers(port, host), 60_000, `postgres:${i} listening`);
  await waitUntil(
    () =>
      machine
        .run(
          join(pg.bin, 'pg_isready'),
          ['-h', host, '-p', String(port), '-U', PG_USER],
          owner ? { owner } : {},
        )
        .then(
          () => true,
          () => false,
        ),
    60_000,
    `postgres:${i} accepting connections`,
  );
}

/** Prepares a fresh backend for the application: the dictionaries, the recovery extension and the database. */
export async function prepareBackend(t: Topology, i: number, pg: PostgresPaths): Promise<void> {
  const machine = machineOf(t, 'postgres', i);
  const tsearch = join(pg.share, 'tsearch_data');
  for (const { source, name } of dictionaryFiles())
    if (!(await machine.exists(join(tsearch, name))))
      await machine.writeFile(join(tsearch, name), await readFile(source));
  const { host, port } = at(t, 'postgres', i);
  const psql = (db: string, sql: string) =>
    machine.run(join(pg.bin, 'psql'), [
      '-h',
      host,
      '-p',
      String(port),
      '-U',
      PG_USER,
      '-d',
      db,
      '-qAtc',
      sql,
    ]);
  await psql('template1', 'CREATE EXTENSION IF NOT EXISTS pgpool_recovery');
  const exists = (await psql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`)).trim();
  if (!exists) await psql('postgres', `CREATE DATABASE ${DATABASE}`);
}

/** A crash: SIGKILL to the postmaster and every backend process it started. */
export async function crashBackend(t: Topology, i: number): Promise<void> {
  const machine = machineOf(t, 'postgres', i);
  const pid = await postmasterPid(t, i);
  if (!pid || !(await machine.isAlive(pid))) return;
  // Each backend process is a session of its own (PostgreSQL's setsid): all of them at once.
  await machine.signalAll([pid, ...(await machine.children(pid))], 'SIGKILL');
}

/** A graceful stop (fast shutdown: open sessions are ended, nothing acknowledged is lost). */
export async function stopBackend(t: Topology, i: number): Promise<void> {
  const machine = machineOf(t, 'postgres', i);
  const pid = await postmasterPid(t, i);
  if (!pid || !(await machine.isAlive(pid))) return;
  await machine.signal(pid, 'SIGINT', true);
  await waitUntil(async () => !(await machine.isAlive(pid)), 30_000, `postgres:${i} stopping`).catch(
    async () => {
      await crashBackend(t, i);
      await sleep(200);
    },
  );
}
