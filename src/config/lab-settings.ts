import { resolve } from 'node:path';
import { ConfigError } from './config.js';

/** What `bazaar load` takes from the environment (flags win). */
export interface LoadSettings {
  /** BAZAAR_ADMIN_PASSWORD: for admin sessions when no flag gives one. */
  readonly adminPassword: string | undefined;
  /** BAZAAR_STATE_DIR: where the embedded store keeps its admin password (default .bazaar). */
  readonly stateDir: string;
}

export function loadLoadSettings(env: NodeJS.ProcessEnv = process.env): LoadSettings {
  return Object.freeze({
    adminPassword: env.BAZAAR_ADMIN_PASSWORD || undefined,
    stateDir: resolve(env.BAZAAR_STATE_DIR || '.bazaar'),
  });
}

/**
 * A load worker started over SSH has no IPC channel: this variable set to 1 tells it to read the
 * coordinator's messages as JSON lines on stdin and write its own on stdout.
 */
export const LOAD_WORKER_STDIO_ENV = 'BAZAAR_LOAD_WORKER_STDIO';

/** Whether this load worker talks over stdin/stdout (started over SSH, or with no IPC channel). */
export function loadWorkerOverStdio(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LOAD_WORKER_STDIO_ENV] === '1' || !process.send;
}

/** `npm run bench`: how long and how hard each operation is driven, and where its store lives. */
export interface ApiBenchSettings {
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  readonly stateDir: string;
  /** The load client's ceiling run: sessions and seconds. */
  readonly capacityUsers: number;
  readonly capacityDurationS: number;
  /** The base port that names the simulated network of the capacity run on a client host. */
  readonly capacityBasePort: number;
  /** What the processes the bench starts get: PATH and HOME only, the rest is set explicitly. */
  readonly baseEnv: Readonly<Record<string, string>>;
}

export function loadApiBenchSettings(env: NodeJS.ProcessEnv = process.env): ApiBenchSettings {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
    return fallback;
  };
  const settings: ApiBenchSettings = {
    durationS: int('BENCH_DURATION', 10, 1, 3600),
    warmupS: int('BENCH_WARMUP', 3, 0, 600),
    connections: int('BENCH_CONNECTIONS', 32, 1, 10_000),
    stateDir: resolve(env.BENCH_STATE_DIR || '.bazaar/bench'),
    capacityUsers: int('CAPACITY_USERS', 64, 1, 10_000),
    capacityDurationS: int('CAPACITY_DURATION_S', 10, 1, 3600),
    capacityBasePort: int('CAPACITY_BASE_PORT', 22000, 1024, 64000),
    baseEnv: Object.freeze(
      Object.fromEntries(
        (['PATH', 'HOME'] as const).flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]!]])),
      ),
    ),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(settings);
}
