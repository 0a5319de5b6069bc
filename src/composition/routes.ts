import type { AppConfig } from '../config/config.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { CloseStack } from '../platform/close-stack.js';
import { createHttpServer, type HttpServer } from '../platform/http/server.js';
import { registerUserRoutes } from '../modules/users/index.js';
import { registerCatalogRoutes } from '../modules/catalog/index.js';
import { registerCartRoutes } from '../modules/carts/index.js';
import { registerOrderRoutes } from '../modules/orders/index.js';
import { registerNotificationRoutes } from '../modules/notifications/index.js';
import { registerSystemRoutes } from '../modules/system/index.js';
import { VERSION } from '../version.js';
import type { Stores } from './stores.js';
import type { Modules } from './modules.js';

/**
 * The HTTP server with every module's routes, ready. Closing it first marks the instance draining
 * (`/ready` answers 503, so a balancer stops sending), then waits for the requests in flight.
 */
export async function serveRoutes(o: {
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  stores: Stores;
  modules: Modules;
  closing: CloseStack;
}): Promise<HttpServer> {
  const { config, stores, modules } = o;
  let draining = false;
  const http = await createHttpServer({
    instanceId: config.instanceId,
    bodyLimitBytes: config.bodyLimitBytes,
    logger: o.logger,
    metrics: o.metrics,
    version: VERSION,
    trustedProxies: config.trustedProxies,
    corsOrigins: config.corsOrigins,
    traceSample: config.tracing.sampleRatio,
  });
  o.closing.opened(http, 'http server', async (h) => {
    draining = true;
    await h.close();
  });
  const { redis, cassandra } = stores;
  registerSystemRoutes(http, {
    instanceId: config.instanceId,
    metrics: o.metrics,
    probes: [
      { name: 'postgres', check: () => stores.db.ping() },
      ...(redis ? [{ name: 'redis', check: () => redis.ping() }] : []),
      ...(cassandra ? [{ name: 'cassandra', check: () => cassandra.ping() }] : []),
    ],
    isDraining: () => draining,
  });
  const { authenticate } = modules;
  registerUserRoutes(http, { users: modules.users, auth: modules.auth, authenticate });
  registerCatalogRoutes(http, { catalog: modules.catalog, authenticate });
  registerCartRoutes(http, { carts: modules.carts, authenticate });
  registerOrderRoutes(http, { orders: modules.orders, placeOrder: modules.placeOrder, authenticate });
  registerNotificationRoutes(http, { notifications: modules.notifications, authenticate });
  await http.ready();
  return http;
}
