import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { notificationText } from './notification-text.js';
import type { Notification, NotificationStore, OrderEvent, OrderInbox } from './notifications.ports.js';

/** What became of one delivered event. */
export type Outcome = 'applied' | 'duplicate' | 'held';

/** Told of each outcome and of each notification written (metrics). */
export interface NotifierObserver {
  handled(outcome: Outcome): void;
  /** An event became a notification (`event.occurred_at` to now is its delay). */
  applied(event: OrderEvent, at: Date): void;
}

/**
 * Turns order events into notifications, each exactly once and in order per order, whatever the
 * delivery does (repeats after a crash between publish and acknowledgement, an event overtaking
 * its predecessor). Per event, in one transaction of the store: an event applied before is skipped;
 * one that arrives before its predecessor is held (once), never applied out of order; one that is next
 * is applied, and then every held event that now follows. The consumer commits its offset only
 * after this returns, so a crash repeats the delivery rather than losing it.
 */
export class Notifier {
  constructor(
    private readonly store: NotificationStore,
    private readonly clock: Clock,
    private readonly observer?: NotifierObserver,
  ) {}

  async handle(event: OrderEvent): Promise<Outcome> {
    const applied: OrderEvent[] = [];
    const outcome = await this.store.forOrder(event.order_id, async (inbox) => {
      applied.length = 0; // a retried transaction starts over
      // One event per sequence number (the outbox's key): one at or below the last applied is a
      // repeat of an applied change.
      const last = await inbox.lastApplied();
      if (event.seq <= last) return 'duplicate';
      if (event.seq > last + 1) {
        await inbox.hold(event);
        return 'held';
      }
      await this.apply(inbox, event);
      applied.push(event);
      for (let next = event.seq + 1; ; next++) {
        const held = await inbox.takeHeld(next);
        if (!held) break;
        await this.apply(inbox, held);
        applied.push(held);
      }
      return 'applied' as const;
    });
    // Told only once the transaction committed.
    if (this.observer) {
      this.observer.handled(outcome);
      const now = this.clock.now();
      for (const e of applied) this.observer.applied(e, now);
    }
    return outcome;
  }

  private async apply(inbox: OrderInbox, event: OrderEvent): Promise<void> {
    const text = notificationText(event);
    const notification: Notification = {
      id: newId(),
      user_id: event.user_id,
      order_id: event.order_id,
      event_id: event.id,
      seq: event.seq,
      status: event.status,
      text_ru: text.ru,
      text_en: text.en,
      created_at: this.clock.now().toISOString(),
    };
    await inbox.apply(event, notification);
  }
}
