import type { AppConfig } from '../config/config.js';
import { PostgresProductChangeFeed } from '../adapters/postgres/product-change-feed.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { CloseStack } from '../platform/close-stack.js';
import { ListingCache, ProductCache, toEvery } from '../modules/catalog/index.js';

export interface Caches {
  products: ProductCache | undefined;
  listings: ListingCache | undefined;
}

/**
 * Product cards in memory, kept fresh by the change feed (ADR 13), whose listener is a connection
 * of its own to the PostgreSQL servers (BAZAAR_CHANGE_FEED_URL; the cluster names its backends);
 * and which products each list page and search shows (the cards come from the product cache).
 */
export async function openCaches(o: {
  config: AppConfig;
  databaseUrl: string;
  logger: Logger;
  metrics: Metrics;
  closing: CloseStack;
}): Promise<Caches> {
  const { config, metrics } = o;
  if (config.productCacheTtlMs <= 0) return { products: undefined, listings: undefined };
  const products = new ProductCache({
    maxEntries: config.productCacheSize,
    ttlMs: config.productCacheTtlMs,
    observer: {
      hit: () => metrics.productCache.hits.inc(),
      miss: () => metrics.productCache.misses.inc(),
      evicted: () => metrics.productCache.evictions.inc(),
      bypassing: (on) => metrics.productCache.bypassing.set(on ? 1 : 0),
    },
  });
  const listings =
    config.listingCacheSize > 0
      ? new ListingCache({
          maxEntries: config.listingCacheSize,
          ttlMs: config.productCacheTtlMs,
          observer: {
            hit: () => metrics.listingCache.hits.inc(),
            miss: () => metrics.listingCache.misses.inc(),
          },
        })
      : undefined;
  const feed = o.closing.opened(
    new PostgresProductChangeFeed(config.changeFeedUrl ?? o.databaseUrl, o.logger),
    'product change feed',
    (f) => f.stop(),
  );
  await feed.start(listings ? toEvery(products, listings) : products);
  return { products, listings };
}
