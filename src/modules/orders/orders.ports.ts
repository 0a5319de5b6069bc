import type { OrderStatus } from './order-status.js';

export interface ShippingAddress {
  recipient?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postal_code?: string;
  country: string;
  phone?: string;
}

export interface OrderItem {
  product_id: string;
  name: string;
  unit_price: number;
  quantity: number;
  line_total: number;
}

export interface Order {
  id: string;
  user_id: string;
  status: OrderStatus;
  items: OrderItem[];
  total: number;
  currency: string;
  shipping_address: ShippingAddress | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

export interface OrderLine {
  product_id: string;
  quantity: number;
}

/** A product as locked inside the checkout transaction: the price and stock that will be used. */
export interface ProductSnapshot {
  id: string;
  name: string;
  price: number;
  currency: string;
  stock: number;
}

/** Who made a status change: the order's event says it (a notification says who cancelled). */
export type ChangeCause = 'customer' | 'admin' | 'expiry';

export interface PlaceOrderRequest {
  userId: string;
  cause: ChangeCause;
  idempotencyKey: string;
  requestHash: string;
  lines: OrderLine[];
  /**
   * Called inside the transaction with the locked products (the ones that exist and are for sale):
   * returns the order to store, or throws to roll back (missing product, short stock).
   */
  build(snapshot: ProductSnapshot[]): Order;
}

export type PlaceOutcome = { placed: Order } | { replay: { order: Order; requestHash: string } };

export interface StatusChange {
  from: OrderStatus;
  cause: ChangeCause;
  to?: OrderStatus;
  shippingAddress?: ShippingAddress;
  at: Date;
}

/** Storage of orders, together with the stock they reserve (both change in one transaction). */
export interface OrderStore {
  findByIdempotencyKey(userId: string, key: string): Promise<{ order: Order; requestHash: string } | null>;
  /** Reserves stock for every line and stores the order, all or nothing. */
  place(request: PlaceOrderRequest): Promise<PlaceOutcome>;
  findById(id: string): Promise<Order | null>;
  listByUser(
    userId: string,
    status: OrderStatus | undefined,
    limit: number,
    offset: number,
  ): Promise<{ items: Order[]; total: number }>;
  /**
   * Changes status and/or address only if the order is still in `from`; a change to `cancelled`
   * releases its stock in the same transaction. Null when the order moved on meanwhile.
   */
  change(id: string, change: StatusChange): Promise<Order | null>;
  /** Deletes (for accounting: hides) an order that is still in `from`. */
  remove(id: string, from: OrderStatus, at: Date): Promise<boolean>;
  /** Cancels up to `batch` unpaid orders past their expiry, releasing stock; returns their ids. */
  expireDue(now: Date, batch: number): Promise<string[]>;
}

/** Whether a user exists (an admin may order on behalf of one). */
export interface UserDirectory {
  exists(userId: string): Promise<boolean>;
}

/**
 * One status change of one order, as the outbox records it in the change's own statement and the
 * relay delivers it: at least once, in order per order, possibly repeated.
 */
export interface OrderEvent {
  /** UUIDv7, unique per change: a repeated delivery carries the same id. */
  id: string;
  order_id: string;
  user_id: string;
  /** 1 for the order's creation, then one more per status change. */
  seq: number;
  status: OrderStatus;
  cause: ChangeCause;
  total: number;
  currency: string;
  occurred_at: string;
}

/** The outbox's side the relay uses: who publishes, and what is left to publish. */
export interface OrderOutbox {
  /** Takes or renews the relay's lease until `until`; false while another holder's lease runs. */
  lease(holder: string, now: Date, until: Date): Promise<boolean>;
  /** Events not yet published, oldest first. */
  unpublished(limit: number): Promise<OrderEvent[]>;
  markPublished(ids: readonly string[], at: Date): Promise<void>;
  /** When the oldest event not yet published happened (undefined: none waiting). */
  oldestUnpublished(): Promise<Date | undefined>;
}

/** Where the relay sends events: Kafka, or the notifier in this process (the embedded default). */
export interface OrderEventPublisher {
  /** Resolves once every event is acknowledged (by the broker, or applied in process). */
  publish(events: readonly OrderEvent[]): Promise<void>;
}
