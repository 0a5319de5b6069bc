import { createHash } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { componentDir, hostPort, type Topology, countOf } from './layout.js';
import { at, clientNetworks } from './addresses.js';
import { machineOf } from './machines/machine-of.js';
import { waitReadyOn } from './machines/daemons.js';
import { dataDir, pgpoolChildren, PG_USER, DATABASE } from './postgres-backend.js';
import { portAnswers, waitUntil } from '../platform/processes.js';
import { childEnv } from '../config/child-env.js';
import { postgresPathsOn, programOn } from './requirements.js';
import { failoverScripts, failoverSettings } from './failover-scripts.js';

export const PCP_USER = 'bazaar';
const PCP_PASSWORD = 'bazaar';

const MODES = {
  native: 'native_replication',
  streaming: 'streaming_replication',
};

function q(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value}'`;
}

type Settings = Record<string, string | number>;

/** pgpool.conf for instance i: every backend, and the watchdog among the pgpools when there are several. */
export function pgpoolConf(t: Topology, i: number): string {
  const settings = {
    ...poolSettings(t, i),
    ...backendSettings(t),
    ...(countOf(t, 'pgpool') > 1 ? watchdogSettings(t, i) : {}),
  };
  return Object.entries(settings)
    .map(([key, value]) => `${key} = ${q(value)}`)
    .join('\n')
    .concat('\n');
}

/** Where instance i listens, how it pools, balances, checks health, fails over and recovers. */
function poolSettings(t: Topology, i: number): Settings {
  const dir = componentDir(t, 'pgpool', i);
  return {
    backend_clustering_mode: MODES[t.mode],
    listen_addresses: at(t, 'pgpool', i).host,
    port: at(t, 'pgpool', i).port,
    socket_dir: dir,
    pcp_listen_addresses: at(t, 'pcp', i).host,
    pcp_port: at(t, 'pcp', i).port,
    pcp_socket_dir: dir,
    wd_ipc_socket_dir: dir,
    pid_file_name: join(dir, 'pgpool.pid'),
    logdir: dir,
    log_destination: 'stderr',
    log_min_messages: 'warning',
    enable_pool_hba: 'off',
    // An empty password file (trust on loopback) keeps health checks from warning every second.
    pool_passwd: join(dir, 'pool_passwd'),
    num_init_children: pgpoolChildren(t),
    max_pool: 1,
    child_life_time: 0,
    connection_life_time: 0,
    client_idle_limit: 0,
    // Online recovery's second stage waits for every client to leave: idle pooled connections are
    // closed at once (the API reconnects), so recovery takes seconds, not recovery_timeout.
    client_idle_limit_in_recovery: -1,
    load_balance_mode: 'on',
    // The API keeps pooled connections for minutes: choose the read node per statement, not per session.
    statement_level_load_balance: 'on',
    replicate_select: 'off',
    insert_lock: 'off',
    memory_cache_enabled: 'off',
    // Streaming: off. pgpool-II does not restart its children when it attaches a recovered standby,
    // and a child's stale session to the standby's previous process then failed on its next write
    // and asked for a detach; two instances asking are a majority, so the standby just recovered
    // was detached again, for good (found by the soak). The health checks below decide instead.
    // Native replication restarts every child at a recovery, so a failed session may trigger one.
    failover_on_backend_error: t.mode === 'streaming' ? 'off' : 'on',
    connect_timeout: 2000,
    health_check_period: 1,
    health_check_timeout: 2,
    health_check_max_retries: 0,
    health_check_user: PG_USER,
    health_check_database: 'postgres',
    recovery_user: PG_USER,
    recovery_password: '',
    // Both stages are always named: each mode's scripts make the stage it does not use a no-op.
    recovery_1st_stage_command: 'recovery_1st_stage',
    recovery_2nd_stage_command: 'recovery_2nd_stage',
    // How long the second stage (native) waits for every client of every pgpool-II to leave, and
    // how long the recovered backend has to start. pgpool-II 4.3 miscounts its clients after it
    // kills children in a failover and then waits out the whole timeout for clients that are gone
    // (90 s, the earlier setting, was 90 s without a write): the API's statements end within 5 s.
    recovery_timeout: 6,
    sr_check_period: t.mode === 'streaming' ? 1 : 0,
    sr_check_user: PG_USER,
    sr_check_database: DATABASE,
    search_primary_node_timeout: 10,
    // Streaming: a dead primary's most advanced standby is promoted, the others follow it and the
    // primary waits for a standby's copy only while one streams (ADR 21). Native replication needs
    // none of it: every backend takes every write.
    ...(t.mode === 'streaming' ? failoverSettings(t, i) : { failover_command: '' }),
    auto_failback: 'off',
    use_watchdog: countOf(t, 'pgpool') > 1 ? 'on' : 'off',
  };
}

/** Every backend, numbered as pgpool-II knows it. */
function backendSettings(t: Topology): Settings {
  const settings: Settings = {};
  for (let b = 0; b < countOf(t, 'postgres'); b++) {
    settings[`backend_hostname${b}`] = at(t, 'postgres', b).host;
    settings[`backend_port${b}`] = at(t, 'postgres', b).port;
    settings[`backend_weight${b}`] = 1;
    settings[`backend_data_directory${b}`] = dataDir(t, b);
    settings[`backend_flag${b}`] = 'ALLOW_TO_FAILOVER';
    settings[`backend_application_name${b}`] = `postgres${b}`;
  }
  return settings;
}

/** The watchdog among several pgpool-II instances: consensus before a backend is detached. */
function watchdogSettings(t: Topology, i: number): Settings {
  const settings: Settings = {
    // A backend is detached only when a majority of the pgpool-II instances find it down. Half
    // the votes is not enough: a pgpool-II whose own link is cut sees every backend down, and
    // with two instances its one vote was "half": it detached both backends, and on healing its
    // watchdog handed that state to the other instance, which then refused every session.
    failover_when_quorum_exists: 'on',
    failover_require_consensus: 'on',
    allow_multiple_failover_requests_from_node: 'off',
    enable_consensus_with_half_votes: 'off',
    wd_lifecheck_method: 'heartbeat',
    wd_interval: 1,
    wd_heartbeat_keepalive: 1,
    wd_heartbeat_deadtime: 5,
    delegate_ip: '',
    wd_priority: countOf(t, 'pgpool') - i,
  };
  for (let w = 0; w < countOf(t, 'pgpool'); w++) {
    settings[`hostname${w}`] = at(t, 'watchdog', w).host;
    settings[`wd_port${w}`] = at(t, 'watchdog', w).port;
    settings[`pgpool_port${w}`] = at(t, 'pgpool', w).port;
    settings[`heartbeat_hostname${w}`] = at(t, 'heartbeat', w).host;
    settings[`heartbeat_port${w}`] = at(t, 'heartbeat', w).port;
  }
  return settings;
}

/** The failover scripts of pgpool i, naming the programs as its own machine has them. */
async function scriptsOf(t: Topology, i: number) {
  const machine = machineOf(t, 'pgpool', i);
  const pcp = at(t, 'pcp', i);
  const pcpAttach =
    `PCPPASSFILE=${pcppassFile(t, i)} ${await programOn(machine, 'pcp_attach_node')} ` +
    `-h ${pcp.host} -p ${pcp.port} -U ${PCP_USER} -w -n`;
  const psql = join((await postgresPathsOn(machine)).bin, 'psql');
  return failoverScripts(t, i, { psql, pcpAttach });
}

/** pgpool i's password file for its own PCP port, beside its configuration. */
function pcppassFile(t: Topology, i: number): string {
  return join(componentDir(t, 'pgpool', i), '.pcppass');
}

export async function writePgpoolConfig(t: Topology, i: number): Promise<void> {
  const dir = componentDir(t, 'pgpool', i);
  const machine = machineOf(t, 'pgpool', i);
  await machine.remove(dir);
  await machine.mkdir(dir);
  const md5 = createHash('md5').update(PCP_PASSWORD).digest('hex');
  await machine.writeFile(join(dir, 'pgpool.conf'), pgpoolConf(t, i));
  await machine.writeFile(join(dir, 'pcp.conf'), `${PCP_USER}:${md5}\n`);
  await machine.writeFile(join(dir, 'pool_passwd'), '');
  const networks = clientNetworks(t).map((n) => `host all all ${n} trust\n`);
  await machine.writeFile(
    join(dir, 'pool_hba.conf'),
    `host all all 127.0.0.1/32 trust\n${networks.join('')}`,
  );
  await machine.writeFile(join(dir, 'pgpool_node_id'), `${i}\n`);
  if (t.mode === 'streaming')
    for (const [name, body] of Object.entries((await scriptsOf(t, i)).files))
      await machine.writeFile(join(dir, name), body, { mode: 0o755 });
  await machine.writeFile(pcppassFile(t, i), `${hostPort(at(t, 'pcp', i))}:${PCP_USER}:${PCP_PASSWORD}\n`, {
    mode: 0o600,
  });
}

export async function startPgpool(t: Topology, i: number): Promise<number> {
  const dir = componentDir(t, 'pgpool', i);
  const machine = machineOf(t, 'pgpool', i);
  // -n: foreground (its pid is ours to track); -D: forget node states saved by an earlier run.
  const pid = await machine.startDaemon(
    await programOn(machine, 'pgpool'),
    [
      '-n',
      '-D',
      '-f',
      join(dir, 'pgpool.conf'),
      '-F',
      join(dir, 'pcp.conf'),
      '-a',
      join(dir, 'pool_hba.conf'),
    ],
    { logFile: join(dir, 'pgpool.log'), cwd: dir },
  );
  const { host, port } = at(t, 'pgpool', i);
  await waitReadyOn(machine, pid, () => portAnswers(port, host), 60_000, `pgpool:${i} listening`);
  return pid;
}

/**
 * Online recovery of backend `node` through pgpool i: a fresh copy of the main node, started and
 * attached again (with the watchdog, on every pgpool). Asked on pgpool i's own machine.
 */
export async function recoverNode(t: Topology, i: number, node: number): Promise<string> {
  const machine = machineOf(t, 'pgpool', i);
  const pcp = at(t, 'pcp', i);
  return machine.run(
    await programOn(machine, 'pcp_recovery_node'),
    ['-h', pcp.host, '-p', String(pcp.port), '-U', PCP_USER, '-w', '-n', String(node)],
    { env: childEnv({ PCPPASSFILE: pcppassFile(t, i) }) },
  );
}

/**
 * Waits until pgpool i answers a query. A probe that takes long is left to finish on its own
 * (closing a session in the middle of pgpool's start-up can leave its child stuck), while the
 * next probe is made and the whole wait still ends after 90 s.
 */
export async function waitPgpoolServing(t: Topology, i: number): Promise<void> {
  const probe = async (): Promise<boolean> => {
    const client = new pg.Client({
      host: at(t, 'pgpool', i).host,
      port: at(t, 'pgpool', i).port,
      user: PG_USER,
      database: DATABASE,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  await waitUntil(
    () => Promise.race([probe(), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]),
    90_000,
    `pgpool:${i} serving queries`,
  );
}

/** Every pgpool endpoint, for the API's round-robin and failover. */
export function clusterDatabaseUrl(t: Topology): string {
  const hosts = Array.from({ length: countOf(t, 'pgpool') }, (_, i) => hostPort(at(t, 'pgpool', i))).join(
    ',',
  );
  return `postgres://${PG_USER}@${hosts}/${DATABASE}`;
}

/**
 * The PostgreSQL backends themselves, for the product change feed (ADR 13): it listens on each
 * server directly, as pgpool-II does not pass notifications on to an idle session.
 */
export function backendsUrl(t: Topology): string {
  const hosts = Array.from({ length: countOf(t, 'postgres') }, (_, i) => hostPort(at(t, 'postgres', i))).join(
    ',',
  );
  return `postgres://${PG_USER}@${hosts}/${DATABASE}`;
}
