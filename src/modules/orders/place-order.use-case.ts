import type { Clock } from '../../platform/clock.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { isAdmin, type Principal } from '../../platform/principal.js';
import type { CartsService } from '../carts/index.js';
import { mergeLines, priceOrder } from './order-pricing.js';
import type { Order, OrderLine, OrderStore, ShippingAddress, UserDirectory } from './orders.ports.js';
import { requestHash } from './request-hash.js';

export interface PlaceOrderInput {
  user_id?: string;
  items?: OrderLine[];
  shipping_address?: ShippingAddress;
}

export interface PlacedOrder {
  order: Order;
  replayed: boolean;
}

/**
 * Checkout: turns the given lines, or the caller's cart, into an order while reserving stock,
 * all or nothing. The Idempotency-Key (per user) makes a retry from any instance return the same
 * order instead of a second one; the cart is emptied only after the order is committed.
 */
export class PlaceOrder {
  constructor(
    private readonly orders: OrderStore,
    private readonly carts: CartsService,
    private readonly users: UserDirectory,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly defaultCurrency: string,
    /** Told which products' stock an order reserved, once it committed. */
    private readonly stockMoved: (productIds: string[]) => void = () => {},
  ) {}

  async execute(caller: Principal, idempotencyKey: string, input: PlaceOrderInput): Promise<PlacedOrder> {
    const userId = input.user_id ?? caller.id;
    if (userId !== caller.id) {
      if (!isAdmin(caller)) throw forbidden('A customer may order only for themselves');
      if (!(await this.users.exists(userId))) throw notFound('User');
    }
    const hash = requestHash({
      user_id: userId,
      items: input.items,
      shipping_address: input.shipping_address,
    });
    const fromCart = input.items === undefined;
    const lines = fromCart ? await this.cartLines(userId) : mergeLines(input.items!);
    // The key is looked up after the cart was read: a twin request with this key empties the cart
    // only after its order committed, so a cart found empty here while the key is taken is that
    // twin's order to replay, not an empty cart.
    const previous = await this.orders.findByIdempotencyKey(userId, idempotencyKey);
    if (previous) return this.replay(previous, hash, fromCart);
    // An empty cart is a conflict with the cart's state (409): the request itself is well formed.
    if (lines.length === 0)
      throw fromCart
        ? new AppError('conflict', 'The cart is empty: put items in it before checking out')
        : new AppError('bad_request', 'No items to order');

    const now = this.clock.now();
    const outcome = await this.orders.place({
      userId,
      cause: userId === caller.id ? 'customer' : 'admin',
      idempotencyKey,
      requestHash: hash,
      lines,
      build: (snapshot) => {
        const priced = priceOrder(lines, snapshot, this.defaultCurrency);
        return {
          id: newId(),
          user_id: userId,
          status: 'pending_payment',
          ...priced,
          shipping_address: input.shipping_address ?? null,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
          expires_at: new Date(now.getTime() + this.ttlMs).toISOString(),
        };
      },
    });
    if ('replay' in outcome) return this.replay(outcome.replay, hash, fromCart);
    this.stockMoved(lines.map((line) => line.product_id));
    // After the commit, never inside it: the cart may live in another store. If this fails the
    // client gets a 503, retries with the same key, and the replay below empties the cart.
    if (fromCart) await this.carts.discardOrdered(userId, lines);
    return { order: outcome.placed, replayed: false };
  }

  private async cartLines(userId: string): Promise<OrderLine[]> {
    const cart = await this.carts.forCheckout(userId);
    return cart.items.map((item) => ({ product_id: item.product_id, quantity: item.quantity }));
  }

  private async replay(
    previous: { order: Order; requestHash: string },
    hash: string,
    fromCart: boolean,
  ): Promise<PlacedOrder> {
    if (previous.requestHash !== hash) {
      throw new AppError(
        'idempotency_mismatch',
        'This Idempotency-Key was used with a different request body',
      );
    }
    // A retry after a crash between the commit and emptying the cart finishes the job.
    if (fromCart) {
      const lines = previous.order.items.map((i) => ({ product_id: i.product_id, quantity: i.quantity }));
      await this.carts.discardOrdered(previous.order.user_id, lines);
    }
    return { order: previous.order, replayed: true };
  }
}
