import type { CartLine, CartStore, StoredCart } from '../../modules/carts/index.js';
import { onPrimary, type Database } from './database.js';

// Each change returns the whole cart in the same statement (one round trip): a data-modifying CTE's
// rows are not visible to its outer query, so the changed line is taken from the CTE's RETURNING.
const SQL = {
  get: {
    name: 'carts.get',
    text: onPrimary('SELECT product_id, quantity, updated_at FROM cart_items WHERE user_id = $1'),
  },
  set: {
    name: 'carts.set_quantity',
    text: `WITH changed AS (
             INSERT INTO cart_items (user_id, product_id, quantity, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at
             RETURNING product_id, quantity, updated_at)
           SELECT product_id, quantity, updated_at FROM cart_items WHERE user_id = $1 AND product_id <> $2
           UNION ALL SELECT product_id, quantity, updated_at FROM changed`,
  },
  remove: {
    name: 'carts.remove_item',
    text: `WITH removed AS (DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2 RETURNING product_id),
           touched AS (UPDATE cart_items SET updated_at = $3 WHERE user_id = $1 AND product_id <> $2
                       AND EXISTS (SELECT 1 FROM removed) RETURNING product_id, quantity, updated_at)
           SELECT product_id, quantity, updated_at FROM touched
           UNION ALL
           SELECT product_id, quantity, updated_at FROM cart_items
           WHERE user_id = $1 AND product_id <> $2 AND NOT EXISTS (SELECT 1 FROM removed)`,
  },
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

  async setQuantity(userId: string, productId: string, quantity: number, at: Date): Promise<StoredCart> {
    return toCart((await this.db.query<LineRow>(SQL.set, [userId, productId, quantity, at])).rows);
  }

  async removeItem(userId: string, productId: string, at: Date): Promise<StoredCart> {
    return toCart((await this.db.query<LineRow>(SQL.remove, [userId, productId, at])).rows);
  }

  async clear(userId: string): Promise<void> {
    await this.db.query(SQL.clear, [userId]);
  }

  async removeOrdered(userId: string, lines: readonly CartLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.db.query(SQL.removeOrdered, [
      userId,
      lines.map((l) => l.product_id),
      lines.map((l) => l.quantity),
    ]);
  }
}
