import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { OrderEventPublisher, OrderOutbox } from './orders.ports.js';

export interface OutboxRelayOptions {
  /** Who this relay is (the instance id): the lease names its holder. */
  holder: string;
  /** How often the outbox is looked at. */
  periodMs: number;
  /** How long a lease lasts without renewal: another instance takes over after it lapses. */
  leaseMs: number;
  batch?: number;
}

/**
 * Publishes the order events the outbox holds, oldest first, and marks them published once the
 * publisher acknowledged them. One relay at a time: each instance runs one, and only the holder of
 * the outbox's lease publishes (a lease row rather than SKIP LOCKED or an advisory lock, whose
 * answers would differ between the backends of a statement-replicated database; ADR 11). A crash
 * between publishing and marking publishes again: the notifier drops the repeats.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly outbox: OrderOutbox,
    private readonly publisher: OrderEventPublisher,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
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
      if (events.length < batch || this.stopped) return published;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'order event relay failed; will retry'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.periodMs);
    this.timer.unref();
  }
}
