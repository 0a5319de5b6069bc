import type { Clock } from '../../platform/clock.js';
import { notFound } from '../../platform/errors.js';
import type { Principal } from '../../platform/principal.js';
import { requireOwnerOrAdmin } from '../../platform/access.js';
import { priceCart, type Cart } from './cart-view.js';
import type { CartLine, CartStore, ProductLookup, StoredCart } from './carts.ports.js';

export class CartsService {
  constructor(
    private readonly store: CartStore,
    private readonly products: ProductLookup,
    private readonly clock: Clock,
    private readonly defaultCurrency: string,
  ) {}

  async get(caller: Principal, userId: string): Promise<Cart> {
    requireOwnerOrAdmin(caller, userId);
    return this.view(userId, await this.store.get(userId));
  }

  async setQuantity(caller: Principal, userId: string, productId: string, quantity: number): Promise<Cart> {
    requireOwnerOrAdmin(caller, userId);
    // Written first and checked while pricing (one round trip fewer on the hottest write): a line
    // whose product is not for sale is never shown or ordered, and is taken out again before the 404.
    const stored = await this.store.setQuantity(userId, productId, quantity, this.clock.now());
    const cart = await this.view(userId, stored);
    if (!cart.items.some((item) => item.product_id === productId)) {
      await this.store.removeItem(userId, productId, this.clock.now());
      throw notFound('Product');
    }
    return cart;
  }

  async removeItem(caller: Principal, userId: string, productId: string): Promise<Cart> {
    requireOwnerOrAdmin(caller, userId);
    return this.view(userId, await this.store.removeItem(userId, productId, this.clock.now()));
  }

  async clear(caller: Principal, userId: string): Promise<void> {
    requireOwnerOrAdmin(caller, userId);
    await this.store.clear(userId);
  }

  /** The cart as checkout sees it: the same priced view the owner sees. */
  async forCheckout(userId: string): Promise<Cart> {
    return this.view(userId, await this.store.get(userId));
  }

  /** Empties the cart when its user is deleted. */
  async discard(userId: string): Promise<void> {
    await this.store.clear(userId);
  }

  /**
   * After an order from the cart was committed (or replayed): the ordered lines leave the cart,
   * unless the owner changed a line's quantity meanwhile.
   */
  async discardOrdered(userId: string, lines: readonly CartLine[]): Promise<void> {
    await this.store.removeOrdered(userId, lines, this.clock.now());
  }

  private async view(userId: string, stored: StoredCart): Promise<Cart> {
    const ids = stored.lines.map((l) => l.product_id);
    const products = ids.length > 0 ? await this.products.findMany(ids) : [];
    return priceCart(userId, stored.lines, products, stored.updated_at, this.defaultCurrency);
  }
}
