import type { OrderEvent, OrderOutbox } from '../../modules/orders/index.js';
import { onPrimary, type Database } from './database.js';

// The outbox the order statements write (migration 008), as the relay reads and marks it.
const LEASE = 'order-events';
const SQL = {
  // Its answer depends only on the lease row it writes: every backend answers the same (ADR 11).
  lease: {
    name: 'outbox.lease',
    text: `UPDATE relay_leases SET holder = $2, until = $3
           WHERE name = $1 AND (holder = $2 OR until < $4) RETURNING holder`,
  },
  unpublished: {
    name: 'outbox.unpublished',
    text: onPrimary(`SELECT id, order_id, user_id, seq, status, cause, total, currency, occurred_at
           FROM order_events WHERE published_at IS NULL ORDER BY id LIMIT $1`),
  },
  // The partial index's first entry: ids are UUIDv7, in the order the events happened.
  oldestUnpublished: {
    name: 'outbox.oldest_unpublished',
    text: 'SELECT occurred_at FROM order_events WHERE published_at IS NULL ORDER BY id LIMIT 1',
  },
  markPublished: {
    name: 'outbox.mark_published',
    text: 'UPDATE order_events SET published_at = $2 WHERE id = ANY($1::uuid[]) AND published_at IS NULL',
  },
};

interface EventRow extends Omit<OrderEvent, 'occurred_at' | 'total' | 'currency'> {
  total: string | number;
  currency: string;
  occurred_at: Date;
}

export class PostgresOrderOutbox implements OrderOutbox {
  constructor(private readonly db: Database) {}

  async lease(holder: string, now: Date, until: Date): Promise<boolean> {
    return ((await this.db.query(SQL.lease, [LEASE, holder, until, now])).rowCount ?? 0) > 0;
  }

  async unpublished(limit: number): Promise<OrderEvent[]> {
    const { rows } = await this.db.query<EventRow>(SQL.unpublished, [limit]);
    return rows.map((r) => ({
      ...r,
      total: Number(r.total),
      currency: r.currency.trim(),
      occurred_at: r.occurred_at.toISOString(),
    }));
  }

  async oldestUnpublished(): Promise<Date | undefined> {
    return (await this.db.query<{ occurred_at: Date }>(SQL.oldestUnpublished)).rows[0]?.occurred_at;
  }

  async markPublished(ids: readonly string[], at: Date): Promise<void> {
    await this.db.query(SQL.markPublished, [ids, at]);
  }
}
