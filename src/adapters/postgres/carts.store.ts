import type { CartLine, CartStore, StoredCart } from '../../modules/carts/index.js';
import { onPrimary, type Database, type Queryable } from './database.js';

// Every change of a cart is one transaction that first locks the cart (its user's row), so that
// concurrent changes of one cart run in the same order on every backend of a replicated database,
// and no write statement's result depends on rows it did not write (ADR 11): the cart the reply
// shows is read by a statement of its own, on the main node, inside the same transaction.
const SQL = {
  get: {
    name: 'carts.get',
    text: onPrimary('SELECT product_id, quantity, updated_at FROM cart_items WHERE user_id = $1'),
  },
  lock: {
    name: 'carts.lock',
    // FOR NO KEY UPDATE: conflicts with itself (one cart change at a time), not with the key
    // share locks that references to the user take.
    text: 'SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE',
  },
  set: {
    name: 'carts.set_quantity',
    text: `INSERT INTO cart_items (user_id, product_id, quantity, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at`,
  },
  remove: {
    name: 'carts.remove_item',
    text: 'DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2',
  },
  // The cart's time is its newest line's: after a removal the remaining lines carry the change.
  touch: { name: 'carts.touch', text: 'UPDATE cart_items SET updated_at = $2 WHERE user_id = $1' },
  clear: { name: 'carts.clear', text: 'DELETE FROM cart_items WHERE user_id = $1' },
  removeOrdered: {
    name: 'carts.remove_ordered',
    text: `DELETE FROM cart_items c USING unnest($2::uuid[], $3::int[]) AS o(product_id, quantity)
           WHERE c.user_id = $1 AND c.product_id = o.product_id AND c.quantity = o.quantity`,
  },
};

interface LineRow {
  product_id: string;
  quantity: number;
  updated_at: Date;
}

function toCart(rows: LineRow[]): StoredCart {
  let latest = 0;
  for (const row of rows) latest = Math.max(latest, row.updated_at.getTime());
  return {
    lines: rows.map((r) => ({ product_id: r.product_id, quantity: r.quantity })),
    updated_at: rows.length > 0 ? new Date(latest).toISOString() : null,
  };
}

export class PostgresCartStore implements CartStore {
  constructor(private readonly db: Database) {}

  async get(userId: string): Promise<StoredCart> {
    return toCart((await this.db.query<LineRow>(SQL.get, [userId])).rows);
  }

  /** Setting a quantity is idempotent: a change whose fate is unknown is simply made again. */
  setQuantity(userId: string, productId: string, quantity: number, at: Date): Promise<StoredCart> {
    return this.change(userId, async (tx) => {
      await tx.query(SQL.set, [userId, productId, quantity, at]);
    });
  }

  removeItem(userId: string, productId: string, at: Date): Promise<StoredCart> {
    return this.change(userId, async (tx) => {
      const removed = await tx.query(SQL.remove, [userId, productId]);
      if ((removed.rowCount ?? 0) > 0) await tx.query(SQL.touch, [userId, at]);
    });
  }

  async clear(userId: string): Promise<void> {
    await this.change(userId, (tx) => tx.query(SQL.clear, [userId]).then(() => undefined));
  }

  async removeOrdered(userId: string, lines: readonly CartLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.change(userId, async (tx) => {
      await tx.query(SQL.removeOrdered, [
        userId,
        lines.map((l) => l.product_id),
        lines.map((l) => l.quantity),
      ]);
    });
  }

  /** Locks the cart, applies `write`, and reads the cart as this change left it. */
  private change(userId: string, write: (tx: Queryable) => Promise<void>): Promise<StoredCart> {
    return this.db.transaction(
      async (tx) => {
        await tx.query(SQL.lock, [userId]);
        await write(tx);
        return toCart((await tx.query<LineRow>(SQL.get, [userId])).rows);
      },
      { idempotent: true },
    );
  }
}
