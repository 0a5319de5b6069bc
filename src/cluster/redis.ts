import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { componentDir, ports, type Topology } from './layout.js';
import { startDaemon, waitUntil } from '../platform/processes.js';

/** The name Sentinel monitors the cart store's primary under. */
export const MASTER_NAME = 'bazaar';

export function sentinelCount(t: Topology): number {
  return (t.redis ?? 0) >= 2 ? 3 : 0;
}

/** A connection to a local Redis or Sentinel that fails fast instead of reconnecting. */
export function localRedis(port: number): Redis {
  const c = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => undefined);
  return c;
}

/** Runs one command against a local Redis or Sentinel and closes the connection. */
export async function redisCommand<T>(port: number, ...args: Array<string | number>): Promise<T> {
  const c = localRedis(port);
  try {
    await c.connect();
    return (await c.call(String(args[0]), ...args.slice(1).map(String))) as T;
  } finally {
    c.disconnect();
  }
}

/** Waits for a real PONG (a node still LOADING its AOF answers with an error). */
function answersPing(port: number, timeoutMs: number, what: string): Promise<void> {
  const pong = () =>
    redisCommand<string>(port, 'PING').then(
      (r) => r === 'PONG',
      () => false,
    );
  return waitUntil(pong, timeoutMs, what);
}

/**
 * Node i's configuration, written whole at every start: AOF with fsync every second (ADR 8), no
 * RDB snapshots, and `replicaof` the current primary unless this node is it.
 */
function redisConf(t: Topology, i: number, primaryPort: number | null): string {
  const dir = componentDir(t, 'redis', i);
  return [
    `port ${ports.redis(t, i)}`,
    'bind 127.0.0.1',
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
    ...(primaryPort !== null ? [`replicaof 127.0.0.1 ${primaryPort}`] : []),
    '',
  ].join('\n');
}

/** Where the primary is now: asked of the Sentinels, else node 0 (a single node, or before any failover). */
export async function currentPrimaryPort(t: Topology): Promise<number> {
  for (let s = 0; s < sentinelCount(t); s++) {
    try {
      const [, port] = await redisCommand<[string, string]>(
        ports.sentinel(t, s),
        'SENTINEL',
        'get-master-addr-by-name',
        MASTER_NAME,
      );
      if (port) return Number(port);
    } catch {
      // that Sentinel is down: ask the next
    }
  }
  return ports.redis(t, 0);
}

export async function startRedisNode(t: Topology, i: number, primaryPort: number | null): Promise<number> {
  const dir = componentDir(t, 'redis', i);
  await mkdir(dir, { recursive: true });
  const own = ports.redis(t, i);
  await writeFile(join(dir, 'redis.conf'), redisConf(t, i, primaryPort === own ? null : primaryPort));
  const pid = startDaemon('redis-server', [join(dir, 'redis.conf')], {
    logFile: join(dir, 'redis.log'),
    cwd: dir,
  });
  await answersPing(own, 30_000, `redis on ${own}`);
  return pid;
}

function sentinelConf(t: Topology, s: number, primaryPort: number): string {
  const quorum = 2;
  return [
    `port ${ports.sentinel(t, s)}`,
    'bind 127.0.0.1',
    'protected-mode no',
    'daemonize no',
    'sentinel resolve-hostnames no',
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} ${quorum}`,
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
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'sentinel.conf');
  if (!existsSync(conf)) {
    await writeFile(conf, sentinelConf(t, s, ports.redis(t, 0)));
  }
  const pid = startDaemon('redis-sentinel', [conf], { logFile: join(dir, 'sentinel.log'), cwd: dir });
  const port = ports.sentinel(t, s);
  await answersPing(port, 15_000, `sentinel on ${port}`);
  return pid;
}

/** Every Sentinel knows every replica and the other Sentinels: a failover can reach its quorum. */
export async function waitSentinelsAgree(t: Topology): Promise<void> {
  const replicas = (t.redis ?? 0) - 1;
  for (let s = 0; s < sentinelCount(t); s++) {
    const port = ports.sentinel(t, s);
    await waitUntil(
      async () => {
        try {
          const master = await redisCommand<string[]>(port, 'SENTINEL', 'master', MASTER_NAME);
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
  if (!t.redis) return {};
  if (sentinelCount(t) === 0)
    return { CART_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${ports.redis(t, 0)}` };
  const sentinels = Array.from({ length: sentinelCount(t) }, (_, s) => `127.0.0.1:${ports.sentinel(t, s)}`);
  return { CART_STORE: 'redis', REDIS_SENTINELS: sentinels.join(','), REDIS_MASTER_NAME: MASTER_NAME };
}
