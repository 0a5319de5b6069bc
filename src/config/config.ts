import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseDuration } from '../platform/duration.js';
import { parseRedisSettings, type RedisSettings } from './redis-settings.js';
import { parseKafkaBrokers } from './kafka-settings.js';
import { parseCassandraSettings, type CassandraSettings } from './cassandra-settings.js';
import { DEFAULT_TRACE_SAMPLE, parseTracingSettings, type TracingSettings } from './tracing-settings.js';

/** Everything `bazaar serve` needs, read once: explicit flag > environment > default. */
export interface AppConfig {
  readonly host: string;
  readonly port: number;
  /** Undefined: start the embedded PostgreSQL under `stateDir`. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /**
   * How the database behind DATABASE_URL replicates, which decides how statements are sent (ADR 11):
   * `statement` (pgpool-II native replication: every backend runs every statement), `streaming`
   * (pgpool-II over a primary and standbys), `none` (one PostgreSQL).
   */
  readonly databaseReplication: DatabaseReplication;
  /**
   * Open every pooled connection, and load the search dictionaries in it, before serving: `on` by
   * default behind a DATABASE_URL (servers on small hosts answer a cold burst very slowly), `off`
   * for the embedded database (the same machine; a faster first start).
   */
  readonly databaseWarm: boolean;
  readonly cartStore: 'postgres' | 'redis';
  readonly catalogStore: 'postgres' | 'cassandra';
  /** Where the carts live when cartStore is redis. */
  readonly redis: RedisSettings | undefined;
  /** Where the catalog lives when catalogStore is cassandra. */
  readonly cassandra: CassandraSettings | undefined;
  readonly authSecret: string | undefined;
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
  readonly orderTtlMs: number;
  /** How long an instance keeps a query's search hits (ids, not products); 0 turns it off. */
  readonly searchCacheTtlMs: number;
  /**
   * How long an instance may keep a product card (ADR 13): the bound on staleness when a change
   * message is lost; 0 turns the product cache off. Changes reach the caches sooner, by the feed.
   */
  readonly productCacheTtlMs: number;
  /** How many product cards an instance keeps at most (least recently used go first). */
  readonly productCacheSize: number;
  /** List pages and searches whose product ids the instance keeps (0: none), under the product cache's TTL. */
  readonly listingCacheSize: number;
  /** KAFKA_BROKERS: order events go through Kafka; absent, they are delivered inside this process. */
  readonly kafkaBrokers: readonly string[] | undefined;
  /** Where the product change feed listens (the PostgreSQL servers, never pgpool-II); default DATABASE_URL. */
  readonly changeFeedUrl: string | undefined;
  readonly tracing: TracingSettings;
  readonly instanceId: string;
  readonly logLevel: string;
  readonly stateDir: string;
  readonly bodyLimitBytes: number;
  /** BAZAAR_TRUSTED_PROXIES: proxies (addresses, CIDRs) whose X-Forwarded-For names the client. */
  readonly trustedProxies: readonly string[];
  /** BAZAAR_CORS_ORIGINS: browser origins allowed to call the API (`https://shop.example`); none by default. */
  readonly corsOrigins: readonly string[];
  /** BAZAAR_REGISTRATIONS_PER_MINUTE: registrations allowed per client address per minute (0: no limit). */
  readonly registrationsPerMinute: number;
  readonly seedProducts: number;
  readonly seedUsers: number;
  readonly seed: number;
  /** Seed an empty catalog at start: `auto` on the embedded PostgreSQL only, `on` always, `off` never. */
  readonly seedOnStart: 'auto' | 'on' | 'off';
}

export type ServeFlags = Partial<{
  host: string;
  port: string;
  databaseUrl: string;
  cartStore: string;
  catalogStore: string;
  instanceId: string;
  logLevel: string;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SEED_ON_START = ['auto', 'on', 'off'] as const;
const DATABASE_REPLICATION = ['none', 'statement', 'streaming'] as const;
const ON_OFF = ['on', 'off'] as const;
export type DatabaseReplication = (typeof DATABASE_REPLICATION)[number];

/** Reads the environment once and reports every bad variable at the same time. */
export function loadConfig(
  flags: ServeFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  defaults: { logLevel?: string; port?: number } = {},
): AppConfig {
  const problems: string[] = [];
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? nonEmpty(env[name]);

  const int = (raw: string | undefined, name: string, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(
    raw: string | undefined,
    name: string,
    allowed: readonly T[],
    fallback: T,
  ): T => {
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  };

  const port = int(pick(flags.port, 'PORT'), 'PORT', defaults.port ?? 8080, 0, 65535);
  const host = pick(flags.host, 'HOST') ?? '127.0.0.1';
  let orderTtlMs = 10 * 60_000;
  const ttlRaw = nonEmpty(env.BAZAAR_ORDER_TTL);
  if (ttlRaw !== undefined) {
    try {
      orderTtlMs = parseDuration(ttlRaw);
      if (orderTtlMs < 1000) problems.push('BAZAAR_ORDER_TTL must be at least 1s');
    } catch (error) {
      problems.push(`BAZAAR_ORDER_TTL: ${(error as Error).message}`);
    }
  }
  /** A cache's lifetime: a duration up to 1h, or 0 (off). */
  const cacheTtl = (name: string, fallback: number): number => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return fallback;
    try {
      const ms = raw === '0' ? 0 : parseDuration(raw);
      if (ms <= 3_600_000) return ms;
      problems.push(`${name} must be at most 1h`);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
    return fallback;
  };
  const searchCacheTtlMs = cacheTtl('BAZAAR_SEARCH_CACHE_TTL', 2_000);
  const productCacheTtlMs = cacheTtl('BAZAAR_PRODUCT_CACHE_TTL', 5_000);
  const logLevel = oneOf(
    pick(flags.logLevel, 'LOG_LEVEL'),
    'LOG_LEVEL',
    LOG_LEVELS,
    defaults.logLevel ?? 'info',
  );
  const cartStore = oneOf(
    pick(flags.cartStore, 'CART_STORE'),
    'CART_STORE',
    ['postgres', 'redis'] as const,
    'postgres',
  );
  let redis: RedisSettings | undefined;
  if (cartStore === 'redis') {
    const parsed = parseRedisSettings(
      nonEmpty(env.REDIS_SENTINELS),
      nonEmpty(env.REDIS_MASTER_NAME),
      nonEmpty(env.REDIS_URL),
    );
    if (typeof parsed === 'string') problems.push(parsed);
    else redis = parsed;
  }
  const catalogStore = oneOf(
    pick(flags.catalogStore, 'CATALOG_STORE'),
    'CATALOG_STORE',
    ['postgres', 'cassandra'] as const,
    'postgres',
  );
  let cassandra: CassandraSettings | undefined;
  if (catalogStore === 'cassandra') {
    const parsed = parseCassandraSettings(
      nonEmpty(env.CASSANDRA_CONTACT_POINTS),
      nonEmpty(env.CASSANDRA_CONSISTENCY),
      nonEmpty(env.CASSANDRA_KEYSPACE),
    );
    if (typeof parsed === 'string') problems.push(parsed);
    else cassandra = parsed;
  }
  const kafkaBrokers = parseKafkaBrokers(nonEmpty(env.KAFKA_BROKERS));
  if (typeof kafkaBrokers === 'string') problems.push(kafkaBrokers);
  const tracing = parseTracingSettings(nonEmpty(env.BAZAAR_TRACE_SAMPLE), nonEmpty(env.BAZAAR_OTLP_ENDPOINT));
  if (typeof tracing === 'string') problems.push(tracing);
  const config: AppConfig = {
    host,
    port,
    databaseUrl: pick(flags.databaseUrl, 'DATABASE_URL'),
    // Twice the cores (PostgreSQL's rule of thumb for a server on this machine): fewer backends
    // than requests in flight cost PostgreSQL less CPU per statement (bench: 4 against 16 here).
    databasePoolSize: int(
      nonEmpty(env.DATABASE_POOL_SIZE),
      'DATABASE_POOL_SIZE',
      Math.max(4, 2 * availableParallelism()),
      1,
      200,
    ),
    // Behind a DATABASE_URL of unknown kind, the careful choice: statement replication's rules
    // are correct on any PostgreSQL too, at the cost of a transaction per write.
    databaseReplication: oneOf(
      nonEmpty(env.BAZAAR_DATABASE_REPLICATION),
      'BAZAAR_DATABASE_REPLICATION',
      DATABASE_REPLICATION,
      pick(flags.databaseUrl, 'DATABASE_URL') === undefined ? 'none' : 'statement',
    ),
    databaseWarm:
      oneOf(
        nonEmpty(env.BAZAAR_DATABASE_WARM),
        'BAZAAR_DATABASE_WARM',
        ON_OFF,
        pick(flags.databaseUrl, 'DATABASE_URL') === undefined ? 'off' : 'on',
      ) === 'on',
    cartStore,
    catalogStore,
    redis,
    cassandra,
    authSecret: nonEmpty(env.BAZAAR_AUTH_SECRET),
    adminEmail: nonEmpty(env.BAZAAR_ADMIN_EMAIL) ?? 'admin@bazaar.local',
    adminPassword: nonEmpty(env.BAZAAR_ADMIN_PASSWORD),
    orderTtlMs,
    searchCacheTtlMs,
    productCacheTtlMs,
    productCacheSize: int(
      nonEmpty(env.BAZAAR_PRODUCT_CACHE_SIZE),
      'BAZAAR_PRODUCT_CACHE_SIZE',
      10_000,
      1,
      10_000_000,
    ),
    listingCacheSize: int(
      nonEmpty(env.BAZAAR_LISTING_CACHE_SIZE),
      'BAZAAR_LISTING_CACHE_SIZE',
      1_000,
      0,
      10_000_000,
    ),
    kafkaBrokers: typeof kafkaBrokers === 'string' ? undefined : kafkaBrokers,
    changeFeedUrl: nonEmpty(env.BAZAAR_CHANGE_FEED_URL),
    tracing:
      typeof tracing === 'string' ? { sampleRatio: DEFAULT_TRACE_SAMPLE, otlpEndpoint: undefined } : tracing,
    instanceId: pick(flags.instanceId, 'INSTANCE_ID') ?? `${hostname()}:${port}`,
    logLevel,
    stateDir: resolve(nonEmpty(env.BAZAAR_STATE_DIR) ?? '.bazaar'),
    bodyLimitBytes: int(
      nonEmpty(env.BAZAAR_BODY_LIMIT),
      'BAZAAR_BODY_LIMIT',
      1024 * 1024,
      1024,
      64 * 1024 * 1024,
    ),
    trustedProxies: Object.freeze(
      (nonEmpty(env.BAZAAR_TRUSTED_PROXIES) ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
    corsOrigins: Object.freeze(
      (nonEmpty(env.BAZAAR_CORS_ORIGINS) ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
    registrationsPerMinute: int(
      nonEmpty(env.BAZAAR_REGISTRATIONS_PER_MINUTE),
      'BAZAAR_REGISTRATIONS_PER_MINUTE',
      20,
      0,
      1_000_000,
    ),
    seedProducts: int(nonEmpty(env.BAZAAR_SEED_PRODUCTS), 'BAZAAR_SEED_PRODUCTS', 10_000, 0, 1_000_000),
    seedUsers: int(nonEmpty(env.BAZAAR_SEED_USERS), 'BAZAAR_SEED_USERS', 1_000, 0, 100_000),
    seed: int(nonEmpty(env.BAZAAR_SEED), 'BAZAAR_SEED', 1, 0, 2 ** 31 - 1),
    seedOnStart: oneOf(nonEmpty(env.BAZAAR_SEED_ON_START), 'BAZAAR_SEED_ON_START', SEED_ON_START, 'auto'),
  };
  if (config.authSecret !== undefined && config.authSecret.length < 16) {
    problems.push('BAZAAR_AUTH_SECRET must be at least 16 characters');
  }
  if (config.adminPassword !== undefined && config.adminPassword.length < 8) {
    problems.push('BAZAAR_ADMIN_PASSWORD must be at least 8 characters');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
