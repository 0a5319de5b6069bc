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
const SQL = {
  lockOrder: {
    name: 'notifications.lock_order',
    text: 'SELECT id FROM orders WHERE id = $1 FOR NO KEY UPDATE',
  },
  // Creates the order's progress row or takes the one there, in one statement whose answer is the
  // row it writes (the order's row is locked first, so every backend serializes it alike).
  progress: {
    name: 'notifications.progress',
    text: `INSERT INTO notification_progress (order_id, last_applied) VALUES ($1, 0)
           ON CONFLICT (order_id) DO UPDATE SET last_applied = notification_progress.last_applied
           RETURNING last_applied`,
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
  insert: {
    name: 'notifications.insert',
    text: `INSERT INTO notifications (id, user_id, order_id, event_id, seq, status, text_ru, text_en, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  },
  advance: {
    name: 'notifications.advance',
    text: 'UPDATE notification_progress SET last_applied = $2 WHERE order_id = $1',
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
      await tx.query(SQL.lockOrder, [orderId]);
      const last = (await tx.query<{ last_applied: number }>(SQL.progress, [orderId])).rows[0]!.last_applied;
      return work(this.inbox(tx, orderId, last));
    });
  }

  private inbox(tx: Queryable, orderId: string, last: number): OrderInbox {
    return {
      lastApplied: async () => last,
      hold: async (event) => {
        await tx.query(SQL.hold, [event.id, orderId, event.seq, JSON.stringify(event)]);
      },
      takeHeld: async (seq) =>
        (await tx.query<{ event: OrderEvent }>(SQL.takeHeld, [orderId, seq])).rows[0]?.event,
      apply: async (event, n) => {
        await tx.query(SQL.insert, [
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
        await tx.query(SQL.advance, [orderId, event.seq]);
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
