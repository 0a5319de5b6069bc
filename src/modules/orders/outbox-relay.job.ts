import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { Periodic } from '../../platform/periodic.js';
import type { OrderEventPublisher, OrderOutbox } from './orders.ports.js';

export interface OutboxRelayOptions {
  /** Who this relay is (the instance id): the lease names its holder. */
  holder: string;
  /** How often the outbox is looked at. */
  periodMs: number;
  /** How long a lease lasts without renewal: another instance takes over after it lapses. */
  leaseMs: number;
  batch?: number;
  /** Told how many events each publish delivered (metrics). */
  onPublished?: (count: number) => void;
}

/**
 * Publishes the order events the outbox holds, oldest first, and marks them published once the
 * publisher acknowledged them. One relay at a time: each instance runs one, and only the holder of
 * the outbox's lease publishes (a lease row rather than SKIP LOCKED or an advisory lock, whose
 * answers would differ between the backends of a statement-replicated database; ADR 11). A crash
 * between publishing and marking publishes again: the notifier drops the repeats.
 */
export class OutboxRelay {
  private readonly periodic: Periodic;

  constructor(
    private readonly outbox: OrderOutbox,
    private readonly publisher: OrderEventPublisher,
    private readonly clock: Clock,
    logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {
    this.periodic = new Periodic(
      () => this.drain(),
      () => options.periodMs,
      logger,
      'order event relay failed; will retry',
    );
  }

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Seconds since the oldest event still waiting happened (0: none waits). */
  async lagSeconds(): Promise<number> {
    const oldest = await this.outbox.oldestUnpublished();
    return oldest ? Math.max(0, (this.clock.now().getTime() - oldest.getTime()) / 1000) : 0;
  }

  /** Publishes while this relay holds the lease and events are waiting; returns how many. */
  async drain(): Promise<number> {
    const batch = this.options.batch ?? 100;
    let published = 0;
    for (;;) {
      // Read first: an idle outbox costs a read, not a write of the lease on every tick.
      const events = await this.outbox.unpublished(batch);
      if (events.length === 0) return published;
      const now = this.clock.now();
      const until = new Date(now.getTime() + this.options.leaseMs);
      if (!(await this.outbox.lease(this.options.holder, now, until))) return published;
      await this.publisher.publish(events);
      await this.outbox.markPublished(
        events.map((e) => e.id),
        this.clock.now(),
      );
      published += events.length;
      this.options.onPublished?.(events.length);
      if (events.length < batch || this.periodic.isStopped) return published;
    }
  }
}
