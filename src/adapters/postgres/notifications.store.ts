import type {
  Notification,
  NotificationStore,
  OrderEvent,
  OrderInbox,
} from '../../modules/notifications/index.js';
import { onPrimary, type Database, type Queryable } from './database.js';

// The notifier's state (migration 008). Each event is handled in one transaction that first locks
// its order's row, as a cart change locks its user's: two consumers handling events of one order
// take turns, on every backend in the same order (ADR 11), before the progress row may be created.
// The common case (the next event, nothing held) is four round trips: BEGIN, the progress row,
// the notification with its progress, COMMIT.
const SQL = {
  // Locks the order's row, then creates its progress row or takes the one there, in one statement
  // whose answer is the row it writes, and says whether any event of the order is held (held rows
  // are written only under the order's lock, so every backend answers alike).
  progress: {
    name: 'notifications.progress',
    text: `WITH locked AS (SELECT id FROM orders WHERE id = $1 FOR NO KEY UPDATE)
           INSERT INTO notification_progress (order_id, last_applied) SELECT id, 0 FROM locked
           ON CONFLICT (order_id) DO UPDATE SET last_applied = notification_progress.last_applied
           RETURNING last_applied, EXISTS (SELECT 1 FROM notification_held h WHERE h.order_id = $1) AS held`,
  },
  hold: {
    name: 'notifications.hold',
    text: `INSERT INTO notification_held (event_id, order_id, seq, event) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`,
  },
  takeHeld: {
    name: 'notifications.take_held',
    text: 'DELETE FROM notification_held WHERE order_id = $1 AND seq = $2 RETURNING event',
  },
  // The notification and the order's progress, in one statement.
  apply: {
    name: 'notifications.apply',
    text: `WITH written AS (
             INSERT INTO notifications (id, user_id, order_id, event_id, seq, status, text_ru, text_en, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9))
           UPDATE notification_progress SET last_applied = $5 WHERE order_id = $3`,
  },
  page: {
    name: 'notifications.page',
    text: onPrimary(`SELECT id, user_id, order_id, event_id, seq, status, text_ru, text_en, created_at
           FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`),
  },
  count: {
    name: 'notifications.count',
    text: onPrimary('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1'),
  },
};

interface NotificationRow extends Omit<Notification, 'created_at'> {
  created_at: Date;
}

export class PostgresNotificationStore implements NotificationStore {
  constructor(private readonly db: Database) {}

  forOrder<T>(orderId: string, work: (inbox: OrderInbox) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const row = (await tx.query<{ last_applied: number; held: boolean }>(SQL.progress, [orderId])).rows[0];
      // Every event's order exists (the outbox references it): no row means a broken store.
      if (!row) throw new Error(`order ${orderId} of an order event does not exist`);
      return work(this.inbox(tx, orderId, row.last_applied, row.held));
    });
  }

  private inbox(tx: Queryable, orderId: string, last: number, held: boolean): OrderInbox {
    return {
      lastApplied: async () => last,
      hold: async (event) => {
        await tx.query(SQL.hold, [event.id, orderId, event.seq, JSON.stringify(event)]);
      },
      // Nothing held for the order when the transaction began: nothing to look for.
      takeHeld: async (seq) =>
        held
          ? (await tx.query<{ event: OrderEvent }>(SQL.takeHeld, [orderId, seq])).rows[0]?.event
          : undefined,
      apply: async (event, n) => {
        await tx.query(SQL.apply, [
          n.id,
          n.user_id,
          n.order_id,
          n.event_id,
          n.seq,
          n.status,
          n.text_ru,
          n.text_en,
          n.created_at,
        ]);
        last = event.seq;
      },
    };
  }

  async list(userId: string, limit: number, offset: number) {
    const [page, count] = await Promise.all([
      this.db.query<NotificationRow>(SQL.page, [userId, limit, offset]),
      this.db.query<{ n: number }>(SQL.count, [userId]),
    ]);
    return {
      items: page.rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() })),
      total: count.rows[0]!.n,
    };
  }
}
