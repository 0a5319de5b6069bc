import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { deepFreeze, EnvReader } from './env-reader.js';
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

/**
 * Reads the environment once and reports every bad variable at the same time; the result is
 * frozen through and through (a nested store setting cannot change under a running instance).
 */
export function loadConfig(
  flags: ServeFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  defaults: { logLevel?: string; port?: number } = {},
): AppConfig {
  const read = new EnvReader(env, flags);
  const port = read.int('PORT', defaults.port ?? 8080, 0, 65535, 'port');
  const config: AppConfig = {
    host: read.text('HOST', 'host') ?? '127.0.0.1',
    port,
    ...databaseSettings(read),
    ...storeSettings(read),
    ...cacheSettings(read),
    kafkaBrokers: read.parsed(parseKafkaBrokers(read.text('KAFKA_BROKERS'))),
    tracing: read.parsed(
      parseTracingSettings(read.text('BAZAAR_TRACE_SAMPLE'), read.text('BAZAAR_OTLP_ENDPOINT')),
    ) ?? {
      sampleRatio: DEFAULT_TRACE_SAMPLE,
      otlpEndpoint: undefined,
    },
    instanceId: read.text('INSTANCE_ID', 'instanceId') ?? `${hostname()}:${port}`,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, defaults.logLevel ?? 'info', 'logLevel'),
    stateDir: resolve(read.text('BAZAAR_STATE_DIR') ?? '.bazaar'),
    ...httpSettings(read),
    ...seedSettings(read),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return deepFreeze(config);
}

type Part<K extends keyof AppConfig> = Pick<AppConfig, K>;

function databaseSettings(
  read: EnvReader,
): Part<'databaseUrl' | 'databasePoolSize' | 'databaseReplication' | 'databaseWarm' | 'changeFeedUrl'> {
  const databaseUrl = read.text('DATABASE_URL', 'databaseUrl');
  return {
    databaseUrl,
    // Twice the cores (PostgreSQL's rule of thumb for a server on this machine): fewer backends
    // than requests in flight cost PostgreSQL less CPU per statement (bench: 4 against 16 here).
    databasePoolSize: read.int('DATABASE_POOL_SIZE', Math.max(4, 2 * availableParallelism()), 1, 200),
    // Behind a DATABASE_URL of unknown kind, the careful choice: statement replication's rules
    // are correct on any PostgreSQL too, at the cost of a transaction per write.
    databaseReplication: read.oneOf(
      'BAZAAR_DATABASE_REPLICATION',
      DATABASE_REPLICATION,
      databaseUrl === undefined ? 'none' : 'statement',
    ),
    databaseWarm:
      read.oneOf('BAZAAR_DATABASE_WARM', ON_OFF, databaseUrl === undefined ? 'off' : 'on') === 'on',
    changeFeedUrl: read.text('BAZAAR_CHANGE_FEED_URL'),
  };
}

/** Where carts and the catalog live, and the settings of the store each one names. */
function storeSettings(read: EnvReader): Part<'cartStore' | 'catalogStore' | 'redis' | 'cassandra'> {
  const cartStore = read.oneOf('CART_STORE', ['postgres', 'redis'] as const, 'postgres', 'cartStore');
  const catalogStore = read.oneOf(
    'CATALOG_STORE',
    ['postgres', 'cassandra'] as const,
    'postgres',
    'catalogStore',
  );
  return {
    cartStore,
    catalogStore,
    redis:
      cartStore === 'redis'
        ? read.parsed(
            parseRedisSettings(
              read.text('REDIS_SENTINELS'),
              read.text('REDIS_MASTER_NAME'),
              read.text('REDIS_URL'),
            ),
          )
        : undefined,
    cassandra:
      catalogStore === 'cassandra'
        ? read.parsed(
            parseCassandraSettings(
              read.text('CASSANDRA_CONTACT_POINTS'),
              read.text('CASSANDRA_CONSISTENCY'),
              read.text('CASSANDRA_KEYSPACE'),
            ),
          )
        : undefined,
  };
}

function cacheSettings(
  read: EnvReader,
): Part<'orderTtlMs' | 'searchCacheTtlMs' | 'productCacheTtlMs' | 'productCacheSize' | 'listingCacheSize'> {
  return {
    orderTtlMs: read.duration('BAZAAR_ORDER_TTL', 10 * 60_000, 1000, '1s'),
    searchCacheTtlMs: read.cacheTtl('BAZAAR_SEARCH_CACHE_TTL', 2_000),
    productCacheTtlMs: read.cacheTtl('BAZAAR_PRODUCT_CACHE_TTL', 5_000),
    productCacheSize: read.int('BAZAAR_PRODUCT_CACHE_SIZE', 10_000, 1, 10_000_000),
    listingCacheSize: read.int('BAZAAR_LISTING_CACHE_SIZE', 1_000, 0, 10_000_000),
  };
}

/** What the HTTP layer enforces and who it trusts. */
function httpSettings(
  read: EnvReader,
): Part<
  | 'authSecret'
  | 'adminEmail'
  | 'adminPassword'
  | 'bodyLimitBytes'
  | 'trustedProxies'
  | 'corsOrigins'
  | 'registrationsPerMinute'
> {
  return {
    authSecret: read.secret('BAZAAR_AUTH_SECRET', 16),
    adminEmail: read.text('BAZAAR_ADMIN_EMAIL') ?? 'admin@bazaar.local',
    adminPassword: read.secret('BAZAAR_ADMIN_PASSWORD', 8),
    bodyLimitBytes: read.int('BAZAAR_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    trustedProxies: read.list('BAZAAR_TRUSTED_PROXIES'),
    corsOrigins: read.list('BAZAAR_CORS_ORIGINS'),
    registrationsPerMinute: read.int('BAZAAR_REGISTRATIONS_PER_MINUTE', 20, 0, 1_000_000),
  };
}

function seedSettings(read: EnvReader): Part<'seedProducts' | 'seedUsers' | 'seed' | 'seedOnStart'> {
  return {
    seedProducts: read.int('BAZAAR_SEED_PRODUCTS', 10_000, 0, 1_000_000),
    seedUsers: read.int('BAZAAR_SEED_USERS', 1_000, 0, 100_000),
    seed: read.int('BAZAAR_SEED', 1, 0, 2 ** 31 - 1),
    seedOnStart: read.oneOf('BAZAAR_SEED_ON_START', SEED_ON_START, 'auto'),
  };
}
