export { CatalogService, DEFAULT_CURRENCY, type NewProduct } from './catalog.service.js';
export { registerCatalogRoutes } from './catalog.routes.js';
export type * from './catalog.ports.js';
