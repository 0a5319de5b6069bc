import type {
  ChangeCause,
  Order,
  OrderStatus,
  OrderStore,
  PlaceOrderRequest,
  PlaceOutcome,
  ProductSnapshot,
  StatusChange,
} from '../../modules/orders/index.js';
import type { Database, Queryable } from './database.js';
import { ORDER_SQL as SQL } from './orders.statements.js';
import { isUniqueViolation } from './errors.js';
import { newId } from '../../platform/ids.js';

/** What a status change returns of the rows it wrote: enough for their events. */
interface ChangedRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  total: number;
  currency: string;
  events: number;
}

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  total: number;
  currency: string;
  shipping_address: Order['shipping_address'];
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
  request_hash: string;
  items: Order['items'] | null;
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    user_id: row.user_id,
    status: row.status,
    items: (row.items ?? []).map((i) => ({
      ...i,
      unit_price: Number(i.unit_price),
      line_total: Number(i.line_total),
    })),
    total: row.total,
    currency: row.currency,
    shipping_address: row.shipping_address,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
  };
}

export class PostgresOrderStore implements OrderStore {
  constructor(private readonly db: Database) {}

  async findByIdempotencyKey(
    userId: string,
    key: string,
  ): Promise<{ order: Order; requestHash: string } | null> {
    const { rows } = await this.db.query<OrderRow>(SQL.byKey, [userId, key]);
    return rows[0] ? { order: toOrder(rows[0]), requestHash: rows[0].request_hash } : null;
  }

  async place(request: PlaceOrderRequest): Promise<PlaceOutcome> {
    try {
      const order = await this.db.transaction(async (tx) => {
        const ids = request.lines.map((l) => l.product_id).sort();
        const snapshot = (await tx.query<ProductSnapshot>(SQL.lockProducts, [ids])).rows;
        const order = request.build(snapshot);
        const at = new Date(order.created_at);
        const reserved = await tx.query(SQL.reserve, [
          order.items.map((i) => i.product_id),
          order.items.map((i) => i.quantity),
          at,
        ]);
        // The rows are locked and were checked by build(); a mismatch here means a bug, not a race.
        if (reserved.rowCount !== order.items.length)
          throw new Error('stock reservation did not cover every line');
        await this.insert(tx, order, request);
        return order;
      });
      return { placed: order };
    } catch (error) {
      if (!isUniqueViolation(error, 'orders_idempotency_key')) throw error;
      // The same key won a race on another connection or instance: answer with its order.
      const winner = await this.findByIdempotencyKey(request.userId, request.idempotencyKey);
      if (!winner) throw error;
      return { replay: winner };
    }
  }

  private async insert(tx: Queryable, order: Order, request: PlaceOrderRequest): Promise<void> {
    const items = order.items;
    await tx.query(SQL.insertOrder, [
      order.id,
      order.user_id,
      order.status,
      order.total,
      order.currency,
      order.shipping_address === null ? null : JSON.stringify(order.shipping_address),
      request.idempotencyKey,
      request.requestHash,
      order.created_at,
      order.updated_at,
      order.expires_at,
      items.map((i) => i.product_id),
      items.map((i) => i.name),
      items.map((i) => i.unit_price),
      items.map((i) => i.quantity),
      items.map((i) => i.line_total),
      newId(),
      request.cause,
    ]);
  }

  async findById(id: string): Promise<Order | null> {
    const { rows } = await this.db.query<OrderRow>(SQL.byId, [id]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async listByUser(userId: string, status: OrderStatus | undefined, limit: number, offset: number) {
    const [page, count] = await Promise.all([
      status === undefined
        ? this.db.query<OrderRow>(SQL.listByUser, [userId, limit, offset])
        : this.db.query<OrderRow>(SQL.listByUserStatus, [userId, limit, offset, status]),
      this.db.query<{ n: number }>(SQL.countByUser, [userId, status ?? null]),
    ]);
    return { items: page.rows.map(toOrder), total: count.rows[0]!.n };
  }

  async change(id: string, change: StatusChange): Promise<Order | null> {
    const changed = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<ChangedRow>(SQL.change, [
        id,
        change.from,
        change.to ?? null,
        change.shippingAddress === undefined ? null : JSON.stringify(change.shippingAddress),
        change.at,
      ]);
      if (rows.length === 0) return false;
      if (change.to !== undefined) await this.recordEvents(tx, rows, change.cause, change.at);
      // Same transaction as the status guard above: the stock goes back exactly once.
      if (change.to === 'cancelled') await this.release(tx, [id], change.at);
      return true;
    });
    return changed ? this.findById(id) : null;
  }

  async remove(id: string, from: OrderStatus, at: Date): Promise<boolean> {
    return ((await this.db.query(SQL.remove, [id, from, at])).rowCount ?? 0) > 0;
  }

  async expireDue(now: Date, batch: number): Promise<string[]> {
    const due = (await this.db.query<{ id: string }>(SQL.due, [now, batch])).rows.map((r) => r.id);
    if (due.length === 0) return [];
    return this.db.transaction(async (tx) => {
      await tx.query(SQL.lockDue, [due]);
      const expired = (await tx.query<ChangedRow>(SQL.expire, [due, now])).rows;
      const cancelled = expired.map((r) => r.id);
      if (cancelled.length > 0) {
        await this.recordEvents(tx, expired, 'expiry', now);
        await this.release(tx, cancelled, now);
      }
      return cancelled;
    });
  }

  /** The outbox rows of status changes just made, each with the count its change wrote as its number. */
  private async recordEvents(tx: Queryable, rows: ChangedRow[], cause: ChangeCause, at: Date): Promise<void> {
    await tx.query(SQL.events, [
      rows.map(() => newId()),
      rows.map((r) => r.id),
      rows.map((r) => r.user_id),
      rows.map((r) => r.events),
      rows.map((r) => r.status),
      rows.map(() => cause),
      rows.map((r) => r.total),
      rows.map((r) => r.currency),
      rows.map(() => at),
    ]);
  }

  /** Puts the stock of cancelled orders back, exactly once (the caller's status guard). */
  private async release(tx: Queryable, orderIds: string[], at: Date): Promise<void> {
    await tx.query(SQL.lockOrderedProducts, [orderIds]);
    await tx.query(SQL.release, [orderIds, at]);
  }
}
