import type { AppConfig } from '../config/config.js';
import { PostgresProductPrices } from '../adapters/postgres/product-prices.store.js';
import { PostgresProductSearch } from '../adapters/postgres/search.store.js';
import { PostgresLoginFailureStore } from '../adapters/postgres/login-failures.store.js';
import { PostgresNotificationStore } from '../adapters/postgres/notifications.store.js';
import type { Clock } from '../platform/clock.js';
import { TokenService } from '../platform/tokens.js';
import {
  AuthService,
  LoginThrottle,
  RegistrationThrottle,
  UsersService,
  createAuthenticate,
} from '../modules/users/index.js';
import { CatalogService, DEFAULT_CURRENCY } from '../modules/catalog/index.js';
import { CartsService } from '../modules/carts/index.js';
import { OrdersService, PlaceOrder } from '../modules/orders/index.js';
import { NotificationsService } from '../modules/notifications/index.js';
import { CachedProductSearch } from '../modules/search/index.js';
import type { Stores } from './stores.js';
import type { Caches } from './caches.js';

export type Modules = ReturnType<typeof wireModules>;

/** The domain services over the stores and caches. */
export function wireModules(o: {
  config: AppConfig;
  authSecret: string;
  clock: Clock;
  stores: Stores;
  caches: Caches;
}) {
  const { config, clock, stores, caches } = o;
  const { db } = stores;
  const carts = new CartsService(stores.carts, new PostgresProductPrices(db), clock, DEFAULT_CURRENCY);
  const attempts = new PostgresLoginFailureStore(db);
  const users = new UsersService(
    stores.users,
    clock,
    [(userId) => carts.discard(userId)],
    new RegistrationThrottle(attempts, config.registrationsPerMinute),
    config.adminEmail,
  );
  const auth = new AuthService(
    stores.users,
    new TokenService(o.authSecret),
    new LoginThrottle(attempts),
    clock,
  );
  const stockMoved = (productIds: string[]) => {
    for (const id of productIds) caches.products?.forget(id);
  };
  const catalog = new CatalogService(
    stores.catalog,
    // Without the listing cache, recent search hits are kept for a short TTL of their own.
    config.searchCacheTtlMs > 0 && !caches.listings
      ? new CachedProductSearch(new PostgresProductSearch(db), config.searchCacheTtlMs)
      : new PostgresProductSearch(db),
    clock,
    caches.products
      ? { products: caches.products, ...(caches.listings ? { listings: caches.listings } : {}) }
      : undefined,
  );
  const placeOrder = new PlaceOrder(
    stores.orders,
    carts,
    stores.users,
    clock,
    config.orderTtlMs,
    DEFAULT_CURRENCY,
    stockMoved,
  );
  const notificationStore = new PostgresNotificationStore(db);
  return {
    users,
    auth,
    authenticate: createAuthenticate(auth),
    carts,
    catalog,
    orders: new OrdersService(stores.orders, clock, stockMoved),
    placeOrder,
    notificationStore,
    notifications: new NotificationsService(notificationStore),
  };
}
