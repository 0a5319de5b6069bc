export { CartsService } from './carts.service.js';
export { registerCartRoutes } from './carts.routes.js';
export { priceCart, type Cart, type CartItem } from './cart-view.js';
export type { CartStore, CartLine, StoredCart, ProductLookup, PricedProduct } from './carts.ports.js';
