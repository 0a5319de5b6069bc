import { onPrimary } from './database.js';

// Items are aggregated into the order row so that one query returns whole orders (no N+1).
const ORDER_SELECT = `SELECT o.id, o.user_id, o.status, o.total, o.currency, o.shipping_address, o.created_at,
    o.updated_at, o.expires_at, o.request_hash,
    (SELECT json_agg(json_build_object('product_id', i.product_id, 'name', i.name, 'unit_price', i.unit_price,
       'quantity', i.quantity, 'line_total', i.line_total) ORDER BY i.line_no)
     FROM order_items i WHERE i.order_id = o.id) AS items
  FROM orders o`;

export const ORDER_SQL = {
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
  // A status change counts its event (migration 008); the event is written by `event` in the
  // same transaction, from what this statement returned. An address change alone writes none.
  // Top-level writes only: pgpool-II must see each statement as a write to send it everywhere.
  change: {
    name: 'orders.change',
    text: `UPDATE orders SET status = COALESCE($3, status), shipping_address = COALESCE($4, shipping_address),
             updated_at = $5, events = events + (CASE WHEN $3::text IS NULL THEN 0 ELSE 1 END)
           WHERE id = $1 AND status = $2 AND deleted_at IS NULL
           RETURNING id, user_id, status, total, currency, events`,
  },
  // The outbox: one event per changed order, every value given (each backend writes the same rows).
  events: {
    name: 'orders.events',
    text: `INSERT INTO order_events (id, order_id, user_id, seq, status, cause, total, currency, occurred_at)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[],
             $7::bigint[], $8::text[], $9::timestamptz[])`,
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
  expire: {
    name: 'orders.expire',
    text: `UPDATE orders SET status = 'cancelled', updated_at = $2, events = events + 1
           WHERE id = ANY($1::uuid[]) AND status = 'pending_payment'
           RETURNING id, user_id, status, total, currency, events`,
  },
};
