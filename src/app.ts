import type { AppConfig } from './config/config.js';
import { Database } from './adapters/postgres/database.js';
import { PostgresCartStore } from './adapters/postgres/carts.repository.js';
import { RedisCartStore } from './adapters/redis/carts.store.js';
import { RedisConnection } from './adapters/redis/redis-connection.js';
import { PostgresOrderStore } from './adapters/postgres/orders.repository.js';
import { PostgresCatalogStore } from './adapters/postgres/catalog.store.js';
import { PostgresProductPrices } from './adapters/postgres/product-prices.repository.js';
import { LOAD_SEARCH_DICTIONARIES, PostgresProductSearch } from './adapters/postgres/search.repository.js';
import { PostgresProductChangeFeed } from './adapters/postgres/product-change-feed.js';
import { PostgresUserStore } from './adapters/postgres/users.repository.js';
import { PostgresCatalogProjection } from './adapters/postgres/catalog-projection.repository.js';
import { CassandraConnection } from './adapters/cassandra/cassandra-connection.js';
import { CassandraCatalogStore } from './adapters/cassandra/catalog.store.js';
import { PostgresLoginFailureStore } from './adapters/postgres/login-failures.repository.js';
import { migrate } from './adapters/postgres/migrator.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import { Metrics, notifierObserver } from './platform/metrics.js';
import { TokenService } from './platform/tokens.js';
import { createHttpServer, type HttpServer } from './platform/http/server.js';
import {
  AuthService,
  LoginThrottle,
  RegistrationThrottle,
  UsersService,
  createAuthenticate,
  registerUserRoutes,
} from './modules/users/index.js';
import {
  CatalogService,
  DEFAULT_CURRENCY,
  ListingCache,
  ProductCache,
  toEvery,
  registerCatalogRoutes,
  type CatalogStore,
} from './modules/catalog/index.js';
import { CartsService, registerCartRoutes } from './modules/carts/index.js';
import {
  OrderExpiryJob,
  OrdersService,
  OutboxRelay,
  PlaceOrder,
  registerOrderRoutes,
} from './modules/orders/index.js';
import {
  LocalDelivery,
  NotificationsService,
  Notifier,
  registerNotificationRoutes,
} from './modules/notifications/index.js';
import { PostgresNotificationStore } from './adapters/postgres/notifications.repository.js';
import { PostgresOrderOutbox } from './adapters/postgres/order-outbox.repository.js';
import { KafkaOrderEventPublisher } from './adapters/kafka/order-event-publisher.js';
import { registerSystemRoutes } from './modules/system/index.js';
import { CachedProductSearch } from './modules/search/index.js';
import { VERSION } from './version.js';
import { startTracing } from './platform/tracing.js';
import { PostgresCatalogUpserts } from './adapters/postgres/catalog-upserts.js';
import { PostgresImportCheckpoints } from './adapters/postgres/import-checkpoints.repository.js';
import { CatalogPortUpserts } from './modules/catalog/transfer/port-upserts.js';
import type { CatalogUpserts, ImportCheckpoints } from './modules/catalog/transfer/transfer.ports.js';

export interface AppDependencies {
  config: AppConfig;
  databaseUrl: string;
  authSecret: string;
  logger: Logger;
  clock?: Clock;
}

export interface App {
  http: HttpServer;
  db: Database;
  users: UsersService;
  stores: {
    catalog: CatalogStore;
    users: PostgresUserStore;
    /** What `bazaar import` writes through: by sku, in batches, with its checkpoint. */
    imports: { upserts: CatalogUpserts; checkpoints: ImportCheckpoints };
  };
  expiry: OrderExpiryJob;
  /** Starts background work (the expiry job). */
  startJobs(): void;
  /** Stops accepting requests, drains those in flight, stops jobs and closes the pools. */
  close(): Promise<void>;
}

/** A batch and its checkpoint in one transaction when the catalog is PostgreSQL's; through the port otherwise. */
function catalogImports(
  db: Database,
  catalog: CatalogStore,
  cassandra: CassandraConnection | undefined,
): { upserts: CatalogUpserts; checkpoints: ImportCheckpoints } {
  const checkpoints = new PostgresImportCheckpoints(db);
  const upserts = cassandra
    ? new CatalogPortUpserts(catalog, checkpoints)
    : new PostgresCatalogUpserts(db, checkpoints);
  return { upserts, checkpoints };
}

/** The composition root: config -> adapters -> modules -> HTTP. Nothing else wires things together. */
export async function createApp(deps: AppDependencies): Promise<App> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const metrics = new Metrics();
  const db = new Database(deps.databaseUrl, {
    poolSize: config.databasePoolSize,
    logger,
    metrics,
    applicationName: `bazaar ${config.instanceId}`,
    replication: config.databaseReplication,
  });
  await migrate(db, clock, logger);
  if (config.databaseWarm) {
    const started = Date.now();
    const warmed = await db.warm(LOAD_SEARCH_DICTIONARIES);
    logger.info({ warmed, ms: Date.now() - started }, 'database connections opened ahead of traffic');
  }

  const userStore = new PostgresUserStore(db);
  // The catalog in Cassandra keeps its stock and search index in PostgreSQL (ADR 9).
  const cassandra =
    config.catalogStore === 'cassandra' && config.cassandra
      ? new CassandraConnection(config.cassandra, logger, metrics)
      : undefined;
  await cassandra?.start();
  const catalogStore: CatalogStore = cassandra
    ? new CassandraCatalogStore(cassandra, new PostgresCatalogProjection(db), logger)
    : new PostgresCatalogStore(db);
  const redis =
    config.cartStore === 'redis' && config.redis ? new RedisConnection(config.redis, logger) : undefined;
  await redis?.start();
  const cartStore = redis ? new RedisCartStore(redis, metrics) : new PostgresCartStore(db);
  const orderStore = new PostgresOrderStore(db);

  const carts = new CartsService(cartStore, new PostgresProductPrices(db), clock, DEFAULT_CURRENCY);
  const attempts = new PostgresLoginFailureStore(db);
  const users = new UsersService(
    userStore,
    clock,
    [(userId) => carts.discard(userId)],
    new RegistrationThrottle(attempts, config.registrationsPerMinute),
    config.adminEmail,
  );
  const auth = new AuthService(
    userStore,
    new TokenService(deps.authSecret),
    new LoginThrottle(attempts),
    clock,
  );
  const authenticate = createAuthenticate(auth);
  // Product cards in memory, kept fresh by the change feed (ADR 13); its listener is its own
  // connection to the PostgreSQL servers (BAZAAR_CHANGE_FEED_URL; the cluster names its backends).
  const productCache =
    config.productCacheTtlMs > 0
      ? new ProductCache({
          maxEntries: config.productCacheSize,
          ttlMs: config.productCacheTtlMs,
          observer: {
            hit: () => metrics.productCache.hits.inc(),
            miss: () => metrics.productCache.misses.inc(),
            evicted: () => metrics.productCache.evictions.inc(),
            bypassing: (on) => metrics.productCache.bypassing.set(on ? 1 : 0),
          },
        })
      : undefined;
  // Which products each list page and search shows; the cards come from the product cache.
  const listingCache =
    productCache && config.listingCacheSize > 0
      ? new ListingCache({
          maxEntries: config.listingCacheSize,
          ttlMs: config.productCacheTtlMs,
          observer: {
            hit: () => metrics.listingCache.hits.inc(),
            miss: () => metrics.listingCache.misses.inc(),
          },
        })
      : undefined;
  const changeFeed = productCache
    ? new PostgresProductChangeFeed(config.changeFeedUrl ?? deps.databaseUrl, logger)
    : undefined;
  if (productCache)
    await changeFeed?.start(listingCache ? toEvery(productCache, listingCache) : productCache);
  const stockMoved = (productIds: string[]) => {
    for (const id of productIds) productCache?.forget(id);
  };
  const catalog = new CatalogService(
    catalogStore,
    // Without the listing cache, recent search hits are kept for a short TTL of their own.
    config.searchCacheTtlMs > 0 && !listingCache
      ? new CachedProductSearch(new PostgresProductSearch(db), config.searchCacheTtlMs)
      : new PostgresProductSearch(db),
    clock,
    productCache
      ? { products: productCache, ...(listingCache ? { listings: listingCache } : {}) }
      : undefined,
  );
  const orders = new OrdersService(orderStore, clock, stockMoved);
  const placeOrder = new PlaceOrder(
    orderStore,
    carts,
    userStore,
    clock,
    config.orderTtlMs,
    DEFAULT_CURRENCY,
    stockMoved,
  );
  const expiry = new OrderExpiryJob(orders, Math.min(5_000, Math.max(250, config.orderTtlMs / 4)), logger);
  // Order events: the outbox the order statements write, published by one relay at a time to
  // Kafka (KAFKA_BROKERS), or without it to the notifier in this process (ADR 15).
  const notificationStore = new PostgresNotificationStore(db);
  const kafkaPublisher = config.kafkaBrokers
    ? new KafkaOrderEventPublisher(config.kafkaBrokers, `bazaar-relay-${config.instanceId}`)
    : undefined;
  const relay = new OutboxRelay(
    new PostgresOrderOutbox(db),
    kafkaPublisher ?? new LocalDelivery(new Notifier(notificationStore, clock, notifierObserver(metrics))),
    clock,
    logger,
    {
      holder: config.instanceId,
      periodMs: 200,
      leaseMs: 5_000,
      onPublished: (n) => metrics.orderEvents.published.inc(n),
    },
  );
  metrics.setRelayLagSource(() => relay.lagSeconds());

  let draining = false;
  const tracing = startTracing(config.tracing, 'bazaar-api', config.instanceId);
  const http = await createHttpServer({
    instanceId: config.instanceId,
    bodyLimitBytes: config.bodyLimitBytes,
    logger,
    metrics,
    version: VERSION,
    trustedProxies: config.trustedProxies,
    corsOrigins: config.corsOrigins,
    traceSample: config.tracing.sampleRatio,
  });
  registerSystemRoutes(http, {
    instanceId: config.instanceId,
    metrics,
    probes: [
      { name: 'postgres', check: () => db.ping() },
      ...(redis ? [{ name: 'redis', check: () => redis.ping() }] : []),
      ...(cassandra ? [{ name: 'cassandra', check: () => cassandra.ping() }] : []),
    ],
    isDraining: () => draining,
  });
  registerUserRoutes(http, { users, auth, authenticate });
  registerCatalogRoutes(http, { catalog, authenticate });
  registerCartRoutes(http, { carts, authenticate });
  registerOrderRoutes(http, { orders, placeOrder, authenticate });
  registerNotificationRoutes(http, {
    notifications: new NotificationsService(notificationStore),
    authenticate,
  });
  await http.ready();

  return {
    http,
    db,
    users,
    stores: { catalog: catalogStore, users: userStore, imports: catalogImports(db, catalogStore, cassandra) },
    expiry,
    startJobs: () => {
      expiry.start();
      relay.start();
    },
    close: async () => {
      draining = true;
      await http.close();
      await expiry.stop();
      await relay.stop();
      await kafkaPublisher?.close();
      await changeFeed?.stop();
      await db.close();
      await redis?.close();
      await cassandra?.close();
      await tracing.shutdown();
    },
  };
}
