import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentDir, ports, type Topology } from './layout.js';
import { DATABASE, PG_USER } from './postgres-backend.js';
import { startDaemon, waitUntil } from './processes.js';
import { redisEnv } from './redis.js';
import { cassandraEnv } from './cassandra.js';

const BIN = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

/** Every pgpool endpoint, for the API's round-robin and failover. */
export function clusterDatabaseUrl(t: Topology): string {
  const hosts = Array.from({ length: t.pgpool }, (_, i) => `127.0.0.1:${ports.pgpool(t, i)}`).join(',');
  return `postgres://${PG_USER}@${hosts}/${DATABASE}`;
}

/** The caller's BAZAAR_* settings (admin, order TTL) plus what the cluster decides. */
export function apiEnv(
  t: Topology,
  secrets: { secret: string; adminPassword: string },
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const passed = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key.startsWith('BAZAAR_') || key === 'PATH' || key === 'HOME' || key === 'LOG_LEVEL',
    ),
  );
  return {
    ...passed,
    DATABASE_URL: clusterDatabaseUrl(t),
    BAZAAR_AUTH_SECRET: secrets.secret,
    BAZAAR_ADMIN_PASSWORD: secrets.adminPassword,
    BAZAAR_SEED_ON_START: 'off',
    ...extra,
  };
}

export async function startApi(
  t: Topology,
  i: number,
  secrets: { secret: string; adminPassword: string },
): Promise<number> {
  const dir = componentDir(t, 'api', i);
  await mkdir(dir, { recursive: true });
  const port = ports.api(t, i);
  const pid = startDaemon(
    process.execPath,
    [
      BIN,
      'serve',
      '--port',
      String(port),
      '--instance-id',
      `api:${i}`,
      '--log-level',
      process.env.LOG_LEVEL ?? 'warn',
    ],
    {
      logFile: join(dir, 'api.log'),
      env: apiEnv(t, secrets, { BAZAAR_STATE_DIR: dir, ...redisEnv(t), ...cassandraEnv(t) }),
    },
  );
  await waitUntil(
    () =>
      fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    90_000,
    `api:${i} ready`,
  );
  return pid;
}

/** Seeds the cluster once, through the application's own seeding and so through pgpool-II. */
export function seedArgs(t: Topology): string[] {
  return [BIN, 'seed', '--products', String(t.seedProducts), '--users', String(t.seedUsers ?? 1000)];
}
