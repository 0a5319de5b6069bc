import type { AppConfig } from '../config/config.js';
import { Database } from '../adapters/postgres/database.js';
import { PostgresCartStore } from '../adapters/postgres/carts.store.js';
import { RedisCartStore } from '../adapters/redis/carts.store.js';
import { RedisConnection } from '../adapters/redis/redis-connection.js';
import { PostgresOrderStore } from '../adapters/postgres/orders.store.js';
import { PostgresCatalogStore } from '../adapters/postgres/catalog.store.js';
import { LOAD_SEARCH_DICTIONARIES } from '../adapters/postgres/search.store.js';
import { PostgresUserStore } from '../adapters/postgres/users.store.js';
import { PostgresCatalogProjection } from '../adapters/postgres/catalog-projection.store.js';
import { CassandraConnection } from '../adapters/cassandra/cassandra-connection.js';
import { CassandraCatalogStore } from '../adapters/cassandra/catalog.store.js';
import { migrate } from '../adapters/postgres/migrator.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { CloseStack } from '../platform/close-stack.js';
import type { CartStore } from '../modules/carts/index.js';
import type { CatalogStore } from '../modules/catalog/index.js';

export interface Stores {
  db: Database;
  redis: RedisConnection | undefined;
  cassandra: CassandraConnection | undefined;
  users: PostgresUserStore;
  catalog: CatalogStore;
  carts: CartStore;
  orders: PostgresOrderStore;
}

interface Context {
  config: AppConfig;
  databaseUrl: string;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  closing: CloseStack;
}

/** The database (migrated, warmed when asked), Redis and Cassandra when configured, and the stores over them. */
export async function openStores({
  config,
  databaseUrl,
  logger,
  metrics,
  clock,
  closing,
}: Context): Promise<Stores> {
  const db = closing.opened(
    new Database(databaseUrl, {
      poolSize: config.databasePoolSize,
      logger,
      metrics,
      applicationName: `bazaar ${config.instanceId}`,
      replication: config.databaseReplication,
    }),
    'database',
    (d) => d.close(),
  );
  await migrate(db, clock, logger);
  if (config.databaseWarm) {
    const started = Date.now();
    const warmed = await db.warm(LOAD_SEARCH_DICTIONARIES);
    logger.info({ warmed, ms: Date.now() - started }, 'database connections opened ahead of traffic');
  }
  // The catalog in Cassandra keeps its stock and search index in PostgreSQL (ADR 9).
  const cassandra =
    config.catalogStore === 'cassandra' && config.cassandra
      ? closing.opened(new CassandraConnection(config.cassandra, logger, metrics), 'cassandra', (c) =>
          c.close(),
        )
      : undefined;
  await cassandra?.start();
  const redis =
    config.cartStore === 'redis' && config.redis
      ? closing.opened(new RedisConnection(config.redis, logger), 'redis', (r) => r.close())
      : undefined;
  await redis?.start();
  return {
    db,
    redis,
    cassandra,
    users: new PostgresUserStore(db),
    catalog: cassandra
      ? new CassandraCatalogStore(cassandra, new PostgresCatalogProjection(db), logger)
      : new PostgresCatalogStore(db),
    carts: redis ? new RedisCartStore(redis, metrics) : new PostgresCartStore(db),
    orders: new PostgresOrderStore(db),
  };
}
