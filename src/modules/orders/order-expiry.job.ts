import type { Logger } from '../../platform/logger.js';
import type { OrdersService } from './orders.service.js';

/**
 * Cancels unpaid orders past their expiry. Every instance runs it; the store's status guard makes
 * each cancellation (and its stock release) happen once, whichever instance gets there first.
 * The period is jittered so that instances do not sweep in lock-step.
 */
export class OrderExpiryJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly orders: OrdersService,
    private readonly periodMs: number,
    private readonly logger: Logger,
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

  /** Sweeps until nothing is due (one batch at a time). */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const cancelled = await this.orders.expireDue();
      total += cancelled.length;
      if (cancelled.length > 0)
        this.logger.info({ count: cancelled.length }, 'expired unpaid orders cancelled');
      if (cancelled.length < 100 || this.stopped) return total;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.periodMs * (0.75 + Math.random() * 0.5);
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'order expiry sweep failed; will retry'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, delay);
    this.timer.unref();
  }
}
