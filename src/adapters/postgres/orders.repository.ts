import type {
  Order,
  OrderStatus,
  OrderStore,
  PlaceOrderRequest,
  PlaceOutcome,
  ProductSnapshot,
  StatusChange,
} from '../../modules/orders/index.js';
import { onPrimary, type Database, type Queryable } from './database.js';
import { isUniqueViolation } from './errors.js';
import { newId } from '../../platform/ids.js';

// Items are aggregated into the order row so that one query returns whole orders (no N+1).
const ORDER_SELECT = `SELECT o.id, o.user_id, o.status, o.total, o.currency, o.shipping_address, o.created_at,
    o.updated_at, o.expires_at, o.request_hash,
    (SELECT json_agg(json_build_object('product_id', i.product_id, 'name', i.name, 'unit_price', i.unit_price,
       'quantity', i.quantity, 'line_total', i.line_total) ORDER BY i.line_no)
     FROM order_items i WHERE i.order_id = o.id) AS items
  FROM orders o`;

const SQL = {
  byKey: {
    name: 'orders.by_idempotency_key',
    text: onPrimary(`${ORDER_SELECT} WHERE o.user_id = $1 AND o.idempotency_key = $2`),
  },
  byId: { name: 'orders.by_id', text: onPrimary(`${ORDER_SELECT} WHERE o.id = $1 AND o.deleted_at IS NULL`) },
  listByUser: {
    name: 'orders.by_user',
    text: onPrimary(
      `${ORDER_SELECT} WHERE o.user_id = $1 AND o.deleted_at IS NULL ORDER BY o.created_at DESC, o.id DESC LIMIT $2 OFFSET $3`,
    ),
  },
  listByUserStatus: {
    name: 'orders.by_user_status',
    text: onPrimary(`${ORDER_SELECT} WHERE o.user_id = $1 AND o.status = $4 AND o.deleted_at IS NULL
           ORDER BY o.created_at DESC, o.id DESC LIMIT $2 OFFSET $3`),
  },
  countByUser: {
    name: 'orders.count_by_user',
    text: onPrimary(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1 AND deleted_at IS NULL
           AND ($2::text IS NULL OR status = $2)`),
  },
  // Rows are locked in id order, so two checkouts of overlapping products never deadlock.
  lockProducts: {
    name: 'orders.lock_products',
    text: `SELECT id, name, price, currency, stock FROM products
           WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
  },
  reserve: {
    name: 'orders.reserve_stock',
    text: `UPDATE products p SET stock = p.stock - r.quantity, version = p.version + 1, updated_at = $3
           FROM unnest($1::uuid[], $2::int[]) AS r(id, quantity)
           WHERE p.id = r.id AND p.stock >= r.quantity`,
  },
  // The order and its lines in one statement: one round trip less inside the checkout transaction.
  insertOrder: {
    name: 'orders.insert',
    text: `WITH inserted AS (
             INSERT INTO orders (id, user_id, status, total, currency, shipping_address, idempotency_key,
               request_hash, created_at, updated_at, expires_at, events)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id),
           event AS (
             INSERT INTO order_events (id, order_id, user_id, seq, status, cause, total, currency, occurred_at)
             SELECT $17, inserted.id, $2, 1, $3, $18, $4, $5, $9 FROM inserted)
           INSERT INTO order_items (order_id, line_no, product_id, name, unit_price, quantity, line_total)
           SELECT inserted.id, t.n, t.product_id, t.name, t.unit_price, t.quantity, t.line_total
           FROM inserted, unnest($12::uuid[], $13::text[], $14::bigint[], $15::int[], $16::bigint[])
             WITH ORDINALITY AS t(product_id, name, unit_price, quantity, line_total, n)`,
  },
  // A status change writes its event (the outbox, migration 008) in the same statement; an
  // address change alone writes none.
  change: {
    name: 'orders.change',
    text: `WITH changed AS (
             UPDATE orders SET status = COALESCE($3, status), shipping_address = COALESCE($4, shipping_address),
               updated_at = $5, events = events + (CASE WHEN $3::text IS NULL THEN 0 ELSE 1 END)
             WHERE id = $1 AND status = $2 AND deleted_at IS NULL
             RETURNING id, user_id, status, total, currency, events),
           event AS (
             INSERT INTO order_events (id, order_id, user_id, seq, status, cause, total, currency, occurred_at)
             SELECT $6, id, user_id, events, status, $7, total, currency, $5 FROM changed WHERE $3::text IS NOT NULL)
           SELECT id FROM changed`,
  },
  // Before stock goes back: the products locked in id order, as checkout locks them, so a
  // cancellation and a checkout of the same products wait for each other instead of deadlocking.
  lockOrderedProducts: {
    name: 'orders.lock_ordered_products',
    text: `SELECT id FROM products WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ANY($1::uuid[]))
           ORDER BY id FOR UPDATE`,
  },
  release: {
    name: 'orders.release_stock',
    text: `UPDATE products p SET stock = p.stock + s.quantity, version = p.version + 1, updated_at = $2
           FROM (SELECT product_id, sum(quantity)::int AS quantity FROM order_items
                 WHERE order_id = ANY($1::uuid[]) GROUP BY product_id) s
           WHERE p.id = s.product_id`,
  },
  remove: {
    name: 'orders.remove',
    text: 'UPDATE orders SET deleted_at = $3, updated_at = $3 WHERE id = $1 AND status = $2 AND deleted_at IS NULL',
  },
  due: {
    name: 'orders.due',
    text: onPrimary(`SELECT id FROM orders WHERE status = 'pending_payment' AND expires_at <= $1
           ORDER BY expires_at, id LIMIT $2`),
  },
  // Two instances sweeping the same due orders lock them in one order: no deadlock.
  lockDue: {
    name: 'orders.lock_due',
    text: `SELECT id FROM orders WHERE id = ANY($1::uuid[]) AND status = 'pending_payment' ORDER BY id FOR UPDATE`,
  },
  // Each cancelled order's event takes the id given beside it ($3 pairs with $1).
  expire: {
    name: 'orders.expire',
    text: `WITH expired AS (
             UPDATE orders SET status = 'cancelled', updated_at = $2, events = events + 1
             WHERE id = ANY($1::uuid[]) AND status = 'pending_payment'
             RETURNING id, user_id, status, total, currency, events),
           event AS (
             INSERT INTO order_events (id, order_id, user_id, seq, status, cause, total, currency, occurred_at)
             SELECT e.event_id, x.id, x.user_id, x.events, x.status, 'expiry', x.total, x.currency, $2
             FROM expired x JOIN unnest($1::uuid[], $3::uuid[]) AS e(order_id, event_id) ON e.order_id = x.id)
           SELECT id FROM expired`,
  },
};

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
      const { rowCount } = await tx.query(SQL.change, [
        id,
        change.from,
        change.to ?? null,
        change.shippingAddress === undefined ? null : JSON.stringify(change.shippingAddress),
        change.at,
        newId(),
        change.cause,
      ]);
      if (rowCount === 0) return false;
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
      const eventIds = due.map(() => newId());
      const cancelled = (await tx.query<{ id: string }>(SQL.expire, [due, now, eventIds])).rows.map(
        (r) => r.id,
      );
      if (cancelled.length > 0) await this.release(tx, cancelled, now);
      return cancelled;
    });
  }

  /** Puts the stock of cancelled orders back, exactly once (the caller's status guard). */
  private async release(tx: Queryable, orderIds: string[], at: Date): Promise<void> {
    await tx.query(SQL.lockOrderedProducts, [orderIds]);
    await tx.query(SQL.release, [orderIds, at]);
  }
}
