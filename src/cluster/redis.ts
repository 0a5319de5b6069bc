import { join } from 'node:path';
import { Redis } from 'ioredis';
import { componentDir, hostPort, type Address, type Topology, countOf } from './layout.js';
import { at } from './addresses.js';
import { machineOf } from './machines/machine-of.js';
import { waitUntil } from '../platform/processes.js';

/** The name Sentinel monitors the cart store's primary under. */
export const MASTER_NAME = 'bazaar';

export function sentinelCount(t: Topology): number {
  return countOf(t, 'redis') >= 2 ? 3 : 0;
}

/** A connection to one of the cluster's Redis or Sentinel nodes that fails fast instead of reconnecting. */
export function localRedis(address: Address): Redis {
  const c = new Redis({
    host: address.host,
    port: address.port,
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => undefined);
  return c;
}

/** Runs one command against a Redis or Sentinel node and closes the connection. */
export async function redisCommand<T>(address: Address, ...args: Array<string | number>): Promise<T> {
  const c = localRedis(address);
  try {
    await c.connect();
    return (await c.call(String(args[0]), ...args.slice(1).map(String))) as T;
  } finally {
    c.disconnect();
  }
}

/** Waits for a real PONG (a node still LOADING its AOF answers with an error). */
function answersPing(address: Address, timeoutMs: number, what: string): Promise<void> {
  const pong = () =>
    redisCommand<string>(address, 'PING').then(
      (r) => r === 'PONG',
      () => false,
    );
  return waitUntil(pong, timeoutMs, what);
}

/**
 * Node i's configuration, written whole at every start: AOF with fsync every second (ADR 8), no
 * RDB snapshots, and `replicaof` the current primary unless this node is it.
 */
function redisConf(t: Topology, i: number, primary: Address | null): string {
  const dir = componentDir(t, 'redis', i);
  return [
    `port ${at(t, 'redis', i).port}`,
    `bind ${at(t, 'redis', i).host}`,
    'protected-mode no',
    `dir ${dir}`,
    'daemonize no',
    'appendonly yes',
    'appendfsync everysec',
    'save ""',
    'replica-read-only yes',
    'replica-serve-stale-data yes',
    // Carts are small: a new replica gets its copy at once, not after the 5 s batching delay.
    'repl-diskless-sync-delay 0',
    // A replica that goes silent leaves the online list (and the writes' WAIT) in 5 s, not 60.
    'repl-timeout 5',
    // With two replicas or more, a primary none of them has heard from for 5 s refuses writes
    // (NOREPLICAS): cut off from them, it cannot acknowledge a change a failover would lose (ADR 8).
    ...(countOf(t, 'redis') >= 3 ? ['min-replicas-to-write 1', 'min-replicas-max-lag 5'] : []),
    ...(primary !== null ? [`replicaof ${primary.host} ${primary.port}`] : []),
    '',
  ].join('\n');
}

/** Where the primary is now: asked of the Sentinels, else node 0 (a single node, or before any failover). */
export async function currentPrimary(t: Topology): Promise<Address> {
  for (let s = 0; s < sentinelCount(t); s++) {
    try {
      const [host, port] = await redisCommand<[string, string]>(
        at(t, 'sentinel', s),
        'SENTINEL',
        'get-master-addr-by-name',
        MASTER_NAME,
      );
      if (host && port) return { host, port: Number(port) };
    } catch {
      // that Sentinel is down: ask the next
    }
  }
  return at(t, 'redis', 0);
}

export const sameAddress = (a: Address, b: Address) => a.host === b.host && a.port === b.port;

export async function startRedisNode(t: Topology, i: number, primary: Address | null): Promise<number> {
  const dir = componentDir(t, 'redis', i);
  const machine = machineOf(t, 'redis', i);
  await machine.mkdir(dir);
  const own = at(t, 'redis', i);
  await machine.writeFile(
    join(dir, 'redis.conf'),
    redisConf(t, i, primary && sameAddress(primary, own) ? null : primary),
  );
  const pid = await machine.startDaemon('redis-server', [join(dir, 'redis.conf')], {
    logFile: join(dir, 'redis.log'),
    cwd: dir,
  });
  await answersPing(own, 30_000, `redis on ${hostPort(own)}`);
  return pid;
}

function sentinelConf(t: Topology, s: number, primary: Address): string {
  const quorum = 2;
  return [
    `port ${at(t, 'sentinel', s).port}`,
    `bind ${at(t, 'sentinel', s).host}`,
    'protected-mode no',
    'daemonize no',
    'sentinel resolve-hostnames no',
    `sentinel monitor ${MASTER_NAME} ${primary.host} ${primary.port} ${quorum}`,
    `sentinel down-after-milliseconds ${MASTER_NAME} 2000`,
    `sentinel failover-timeout ${MASTER_NAME} 10000`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
    '',
  ].join('\n');
}

/**
 * A Sentinel. Its config is written once (first start) and then left to Sentinel, which records
 * what it learns there (replicas, other Sentinels, the current primary); a restart reads it back.
 */
export async function startSentinel(t: Topology, s: number): Promise<number> {
  const dir = componentDir(t, 'sentinel', s);
  const machine = machineOf(t, 'sentinel', s);
  await machine.mkdir(dir);
  const conf = join(dir, 'sentinel.conf');
  if (!(await machine.exists(conf))) await machine.writeFile(conf, sentinelConf(t, s, at(t, 'redis', 0)));
  const pid = await machine.startDaemon('redis-sentinel', [conf], {
    logFile: join(dir, 'sentinel.log'),
    cwd: dir,
  });
  const address = at(t, 'sentinel', s);
  await answersPing(address, 15_000, `sentinel on ${hostPort(address)}`);
  return pid;
}

/** Every Sentinel knows every replica and the other Sentinels: a failover can reach its quorum. */
export async function waitSentinelsAgree(t: Topology): Promise<void> {
  const replicas = countOf(t, 'redis') - 1;
  for (let s = 0; s < sentinelCount(t); s++) {
    const address = at(t, 'sentinel', s);
    await waitUntil(
      async () => {
        try {
          const master = await redisCommand<string[]>(address, 'SENTINEL', 'master', MASTER_NAME);
          const field = (name: string) => Number(master[master.indexOf(name) + 1]);
          return field('num-slaves') >= replicas && field('num-other-sentinels') >= sentinelCount(t) - 1;
        } catch {
          return false;
        }
      },
      30_000,
      `sentinel:${s} to see ${replicas} replicas and the other sentinels`,
    );
  }
}

/** The API's connection settings for the cart store of this topology. */
export function redisEnv(t: Topology): Record<string, string> {
  if (!countOf(t, 'redis')) return {};
  if (sentinelCount(t) === 0)
    return { CART_STORE: 'redis', REDIS_URL: `redis://${hostPort(at(t, 'redis', 0))}` };
  const sentinels = Array.from({ length: sentinelCount(t) }, (_, s) => hostPort(at(t, 'sentinel', s)));
  return { CART_STORE: 'redis', REDIS_SENTINELS: sentinels.join(','), REDIS_MASTER_NAME: MASTER_NAME };
}
