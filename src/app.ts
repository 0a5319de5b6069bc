import type { AppConfig } from './config/config.js';
import type { PostgresUserStore } from './adapters/postgres/users.store.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import { Metrics } from './platform/metrics.js';
import { CloseStack } from './platform/close-stack.js';
import { startTracing } from './platform/tracing.js';
import type { HttpServer } from './platform/http/server.js';
import type { UsersService } from './modules/users/index.js';
import type { CatalogStore, CatalogUpserts, ImportCheckpoints } from './modules/catalog/index.js';
import type { OrderExpiryJob } from './modules/orders/index.js';
import { openStores } from './composition/stores.js';
import { openCaches } from './composition/caches.js';
import { wireModules } from './composition/modules.js';
import { wireJobs } from './composition/jobs.js';
import { serveRoutes } from './composition/routes.js';
import { catalogImports } from './composition/imports.js';
import type { Database } from './adapters/postgres/database.js';

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

/**
 * The composition root: config -> stores -> caches -> modules -> jobs -> HTTP. Each resource's
 * close is registered as it opens; closing runs newest first whatever throws, and a start that
 * fails part-way closes what it had opened.
 */
export async function createApp(deps: AppDependencies): Promise<App> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const metrics = new Metrics();
  const closing = new CloseStack(logger);
  return closing.starting(async () => {
    closing.opened(startTracing(config.tracing, 'bazaar-api', config.instanceId), 'tracing', (t) =>
      t.shutdown(),
    );
    const context = { config, databaseUrl: deps.databaseUrl, logger, metrics, clock, closing };
    const stores = await openStores(context);
    const caches = await openCaches(context);
    const modules = wireModules({ config, authSecret: deps.authSecret, clock, stores, caches });
    const jobs = wireJobs({ ...context, stores, modules });
    const http = await serveRoutes({ ...context, stores, modules });
    return {
      http,
      db: stores.db,
      users: modules.users,
      stores: {
        catalog: stores.catalog,
        users: stores.users,
        imports: catalogImports(stores.db, stores.catalog, stores.cassandra),
      },
      expiry: jobs.expiry,
      startJobs: () => {
        jobs.expiry.start();
        jobs.relay.start();
      },
      close: () => closing.close(),
    };
  });
}
