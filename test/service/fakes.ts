import type { Clock } from '../../src/platform/clock.js';
import type {
  CartLine,
  CartStore,
  PricedProduct,
  ProductLookup,
  StoredCart,
} from '../../src/modules/carts/carts.ports.js';
import type {
  Order,
  OrderStore,
  PlaceOrderRequest,
  PlaceOutcome,
  ProductSnapshot,
  StatusChange,
  UserDirectory,
} from '../../src/modules/orders/orders.ports.js';
import type { OrderStatus } from '../../src/modules/orders/order-status.js';

// In-memory fakes of the ports, as small as the rules they serve: the services' rules are tested
// against them without a database; the real stores pass the same contract suite over HTTP.

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Products with a price and a stock, as the order store's snapshot and the cart's lookup see them. */
export class FakeCatalog implements ProductLookup {
  readonly products = new Map<string, ProductSnapshot>();
  add(p: ProductSnapshot): ProductSnapshot {
    this.products.set(p.id, { ...p });
    return p;
  }
  async findMany(ids: readonly string[]): Promise<PricedProduct[]> {
    return ids.flatMap((id) => (this.products.has(id) ? [this.products.get(id)!] : []));
  }
}

export class FakeCartStore implements CartStore {
  readonly carts = new Map<string, Map<string, number>>();
  private cart(userId: string): Map<string, number> {
    if (!this.carts.has(userId)) this.carts.set(userId, new Map());
    return this.carts.get(userId)!;
  }
  private view(userId: string): StoredCart {
    const lines = [...this.cart(userId)].map(([product_id, quantity]) => ({ product_id, quantity }));
    return { lines, updated_at: lines.length > 0 ? '2026-01-01T00:00:00.000Z' : null };
  }
  async get(userId: string) {
    return this.view(userId);
  }
  async setQuantity(userId: string, productId: string, quantity: number) {
    this.cart(userId).set(productId, quantity);
    return this.view(userId);
  }
  async removeItem(userId: string, productId: string) {
    this.cart(userId).delete(productId);
    return this.view(userId);
  }
  async clear(userId: string) {
    this.carts.delete(userId);
  }
  async removeOrdered(userId: string, lines: readonly CartLine[]) {
    const cart = this.cart(userId);
    for (const l of lines) if (cart.get(l.product_id) === l.quantity) cart.delete(l.product_id);
  }
}

/** Orders with the store's own guarantees: one order per (user, key), stock reserved all or nothing. */
export class FakeOrderStore implements OrderStore {
  readonly orders = new Map<string, Order>();
  readonly keys = new Map<string, { orderId: string; requestHash: string }>();
  constructor(private readonly catalog: FakeCatalog) {}

  private byKey(userId: string, key: string) {
    const found = this.keys.get(`${userId}/${key}`);
    return found ? { order: this.orders.get(found.orderId)!, requestHash: found.requestHash } : null;
  }
  async findByIdempotencyKey(userId: string, key: string) {
    return this.byKey(userId, key);
  }
  /** The unique (user, key) decides a race: the loser gets the winner's order as a replay. */
  async place(request: PlaceOrderRequest): Promise<PlaceOutcome> {
    const previous = this.byKey(request.userId, request.idempotencyKey);
    if (previous) return { replay: previous };
    const snapshot = request.lines.flatMap((l) => {
      const p = this.catalog.products.get(l.product_id);
      return p ? [{ ...p }] : [];
    });
    const order = request.build(snapshot);
    for (const l of request.lines) this.catalog.products.get(l.product_id)!.stock -= l.quantity;
    this.orders.set(order.id, order);
    this.keys.set(`${request.userId}/${request.idempotencyKey}`, {
      orderId: order.id,
      requestHash: request.requestHash,
    });
    return { placed: order };
  }
  async findById(id: string) {
    return this.orders.get(id) ?? null;
  }
  async listByUser(userId: string, status: OrderStatus | undefined, limit: number, offset: number) {
    const mine = [...this.orders.values()].filter(
      (o) => o.user_id === userId && (!status || o.status === status),
    );
    return { items: mine.slice(offset, offset + limit), total: mine.length };
  }
  async change(id: string, change: StatusChange) {
    const order = this.orders.get(id);
    if (!order || order.status !== change.from) return null;
    const next = { ...order, status: change.to ?? order.status, updated_at: change.at.toISOString() };
    this.orders.set(id, next);
    return next;
  }
  async remove(id: string, from: OrderStatus) {
    const order = this.orders.get(id);
    if (!order || order.status !== from) return false;
    this.orders.delete(id);
    return true;
  }
  async expireDue(now: Date) {
    return [...this.orders.values()]
      .filter((o) => o.status === 'pending_payment' && new Date(o.expires_at) <= now)
      .map((o) => o.id);
  }
}

export class FakeUsers implements UserDirectory {
  readonly ids = new Set<string>();
  async exists(userId: string) {
    return this.ids.has(userId);
  }
}
