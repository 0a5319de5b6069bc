import type { OrderEvent, OrderStatus } from '../orders/index.js';

export type { OrderEvent };

export interface Notification {
  id: string;
  user_id: string;
  order_id: string;
  event_id: string;
  seq: number;
  status: OrderStatus;
  text_ru: string;
  text_en: string;
  created_at: string;
}

/** One order's notification state, inside one transaction of the store (its row locked first). */
export interface OrderInbox {
  /** The highest sequence number applied for the order (0: none). */
  lastApplied(): Promise<number>;
  /** Keeps an event that arrived before its predecessor (kept once however often it comes). */
  hold(event: OrderEvent): Promise<void>;
  /** Removes and returns the held event with this sequence number, if one is held. */
  takeHeld(seq: number): Promise<OrderEvent | undefined>;
  /** Writes the notification and records the event (and its sequence number) as applied. */
  apply(event: OrderEvent, notification: Notification): Promise<void>;
}

export interface NotificationPage {
  items: Notification[];
  total: number;
}

export interface NotificationStore {
  /** Runs `work` in one transaction over the order's inbox; the order's row is locked for it. */
  forOrder<T>(orderId: string, work: (inbox: OrderInbox) => Promise<T>): Promise<T>;
  /** A user's notifications, newest first. */
  list(userId: string, limit: number, offset: number): Promise<NotificationPage>;
}
