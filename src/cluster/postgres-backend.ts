import { appendFile, chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
// postmaster.pid is small and read on every status: synchronous reads keep callers simple.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installDictionaries } from '../adapters/postgres/dictionaries.js';
import { componentDir, hostNetwork, isHosts, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';
import { placed } from './hosts.js';
import {
  isAlive,
  portAnswers,
  run,
  signalGroup,
  sleep,
  startDaemon,
  waitUntil,
  type Owner,
} from '../platform/processes.js';
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

export function postmasterPid(t: Topology, i: number): number | undefined {
  const file = join(dataDir(t, i), 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  return readPid(file);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
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
    `listen_addresses = '${isHosts(t) ? `${at(t, 'postgres', i).host},127.0.0.1` : '127.0.0.1'}'`,
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
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (owner) await chown(dir, owner.uid, owner.gid);
}

/** A hot standby of the primary (postgres:0), for streaming mode: a base backup that follows it. */
export async function createStandby(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<void> {
  await freshFolder(t, i, owner);
  await run(
    join(pg.bin, 'pg_basebackup'),
    [
      '-h',
      at(t, 'postgres', 0).host,
      '-p',
      String(at(t, 'postgres', 0).port),
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
    { owner },
  );
  const own = at(t, 'postgres', i);
  const listen = isHosts(t) ? `${own.host},127.0.0.1` : '127.0.0.1';
  await run('/bin/sh', ['-c', OWN_SETTINGS(dataDir(t, i), String(own.port), String(i), listen)], { owner });
}

export async function createBackend(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<void> {
  await freshFolder(t, i, owner);
  await run(
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
    { owner },
  );
  await writeFile(join(dataDir(t, i), 'postgresql.auto.conf'), serverSettings(t, i));
  for (const [name, body] of Object.entries(recoveryScripts(t, pg))) {
    const file = join(dataDir(t, i), name);
    await writeFile(file, body);
    await chmod(file, 0o700);
    if (owner) await chown(file, owner.uid, owner.gid);
  }
  if (owner) await chown(join(dataDir(t, i), 'postgresql.auto.conf'), owner.uid, owner.gid);
  // On simulated hosts the others connect from the cluster's network, not from loopback.
  if (isHosts(t)) {
    const net = `${hostNetwork(t).prefix}.0/24`;
    await appendFile(
      join(dataDir(t, i), 'pg_hba.conf'),
      `host all all ${net} trust\nhost replication all ${net} trust\n`,
    );
  }
}

export async function startBackend(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<number> {
  const existing = postmasterPid(t, i);
  if (existing && isAlive(existing)) return existing;
  await rm(join(dataDir(t, i), 'postmaster.pid'), { force: true });
  const p = placed(t, 'postgres', i, join(pg.bin, 'postgres'), ['-D', dataDir(t, i)], owner);
  startDaemon(p.command, p.args, {
    logFile: join(componentDir(t, 'postgres', i), 'postgres.log'),
    ...(p.owner ? { owner: p.owner } : {}),
  });
  await waitBackendReady(t, i, pg, owner);
  return postmasterPid(t, i)!;
}

export async function waitBackendReady(
  t: Topology,
  i: number,
  pg: PostgresPaths,
  owner: Owner | undefined,
): Promise<void> {
  const { host, port } = at(t, 'postgres', i);
  await waitUntil(() => portAnswers(port, host), 60_000, `postgres:${i} listening`);
  await waitUntil(
    () =>
      run(join(pg.bin, 'pg_isready'), ['-h', host, '-p', String(port), '-U', PG_USER], { owner }).then(
        () => true,
        () => false,
      ),
    60_000,
    `postgres:${i} accepting connections`,
  );
}

/** Prepares a fresh backend for the application: the recovery extension and the database. */
export async function prepareBackend(t: Topology, i: number, pg: PostgresPaths): Promise<void> {
  await installDictionaries(join(pg.share, 'tsearch_data'));
  const psql = (db: string, sql: string) =>
    run(join(pg.bin, 'psql'), [
      '-h',
      at(t, 'postgres', i).host,
      '-p',
      String(at(t, 'postgres', i).port),
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
export function crashBackend(t: Topology, i: number): void {
  const pid = postmasterPid(t, i);
  if (!pid || !isAlive(pid)) return;
  const children = childrenOf(pid);
  signalGroup(pid, 'SIGKILL');
  for (const child of children) signalGroup(child, 'SIGKILL');
}

/** A graceful stop (fast shutdown: open sessions are ended, nothing acknowledged is lost). */
export async function stopBackend(t: Topology, i: number): Promise<void> {
  const pid = postmasterPid(t, i);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  await waitUntil(() => !isAlive(pid), 30_000, `postgres:${i} stopping`).catch(async () => {
    crashBackend(t, i);
    await sleep(200);
  });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
