export { CatalogService, DEFAULT_CURRENCY, type NewProduct } from './catalog.service.js';
export { registerCatalogRoutes } from './catalog.routes.js';
export type * from './catalog.ports.js';
export {
  ProductCache,
  toEvery,
  type ProductCacheObserver,
  type ProductChangeFeed,
  type ProductChangeListener,
} from './product-cache.js';
export { ListingCache, type Listing, type ListingCacheObserver } from './listing-cache.js';
export { CatalogPortUpserts } from './transfer/port-upserts.js';
export { ImportRefused, importCatalog } from './transfer/import-catalog.js';
export type * from './transfer/transfer.ports.js';
export type { SourceRow } from './transfer/product-row.js';
