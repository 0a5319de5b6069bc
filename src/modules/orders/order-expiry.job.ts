import type { Logger } from '../../platform/logger.js';
import { Periodic } from '../../platform/periodic.js';
import type { OrdersService } from './orders.service.js';

/**
 * Cancels unpaid orders past their expiry. Every instance runs it; the store's status guard makes
 * each cancellation (and its stock release) happen once, whichever instance gets there first.
 * The period is jittered so that instances do not sweep in lock-step.
 */
export class OrderExpiryJob {
  private readonly periodic: Periodic;

  constructor(
    private readonly orders: OrdersService,
    periodMs: number,
    private readonly logger: Logger,
  ) {
    this.periodic = new Periodic(
      () => this.sweep(),
      () => periodMs * (0.75 + Math.random() * 0.5),
      logger,
      'order expiry sweep failed; will retry',
    );
  }

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Sweeps until nothing is due (one batch at a time). */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const cancelled = await this.orders.expireDue();
      total += cancelled.length;
      if (cancelled.length > 0)
        this.logger.info({ count: cancelled.length }, 'expired unpaid orders cancelled');
      if (cancelled.length < 100 || this.periodic.isStopped) return total;
    }
  }
}
