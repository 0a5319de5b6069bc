import { randomUUID } from 'node:crypto';
import { Traffic, type Shopper } from './traffic.js';
import { countFailure, type RequestLog } from './traffic-report.js';

type Fate = 'deliver' | 'cancel' | 'admin-cancel' | 'expire';
const FATES: readonly Fate[] = ['deliver', 'cancel', 'admin-cancel', 'expire'];

/**
 * Orders through their lives, through the entrypoints with failover: each worker checks out one
 * unit (Idempotency-Key, retried until answered), then takes the order down one of four paths in
 * turn: paid, shipped and delivered (the last two by an admin); cancelled by its customer; paid
 * then cancelled by an admin; left unpaid to expire. A status change that fails is looked up
 * before it is sent again (its first attempt may have committed with the answer lost), so
 * `statuses` holds, per order, every status change the store acknowledged, in order.
 */
export class OrderLifecycleTraffic extends Traffic {
  private keyCounter = 0;
  private readonly run = randomUUID().slice(0, 8);
  /** Per order id: the statuses acknowledged, from pending_payment on. */
  readonly statuses = new Map<string, string[]>();
  /** Orders left unpaid on purpose: the expiry job cancels them. */
  readonly leftToExpire = new Set<string>();

  constructor(
    entrypoints: string[],
    private readonly shoppers: Shopper[],
    private readonly admin: string,
    private readonly productId: string,
    log?: RequestLog,
  ) {
    super(entrypoints, log);
  }

  start(): void {
    this.loops = this.shoppers.map((s, w) => this.loop(s, w));
  }

  private async loop(shopper: Shopper, worker: number): Promise<void> {
    for (let n = worker; !this.stopped; n++) {
      const id = await this.checkout(shopper, `life-${this.run}-${worker}-${this.keyCounter++}`);
      if (!id) continue;
      const fate = FATES[n % FATES.length]!;
      const steps: Array<[string, string]> =
        fate === 'deliver'
          ? [
              ['paid', shopper.token],
              ['shipped', this.admin],
              ['delivered', this.admin],
            ]
          : fate === 'cancel'
            ? [['cancelled', shopper.token]]
            : fate === 'admin-cancel'
              ? [
                  ['paid', shopper.token],
                  ['cancelled', this.admin],
                ]
              : [];
      if (fate === 'expire') this.leftToExpire.add(id);
      for (const [status, token] of steps) if (!(await this.change(id, status, token))) break;
    }
  }

  private async checkout(shopper: Shopper, key: string): Promise<string | undefined> {
    const outcome = await this.checkoutOnce(shopper.token, key, this.productId);
    if (outcome === 'conflict' || outcome === 'unresolved') return undefined;
    this.statuses.set(outcome, ['pending_payment']);
    return outcome;
  }

  private async change(id: string, status: string, token: string): Promise<boolean> {
    for (let attempt = 0; this.mayRetry(attempt); attempt++) {
      const outcome = await this.attempt(`order.${status}`, true, () =>
        this.client().patch(`/api/v1/orders/${id}`, { token, body: { status } }),
      );
      if (outcome.status === 200) {
        this.statuses.get(id)!.push(status);
        return true;
      }
      // Refused (the expiry job cancelled it first): a definite answer.
      if (outcome.status !== undefined && outcome.status < 500) return false;
      await countFailure(this.report, this.started, outcome);
      // The answer was lost, not the request: the change may have committed.
      if ((await this.statusOf(id, token)) === status) {
        this.statuses.get(id)!.push(status);
        return true;
      }
    }
    this.report.unresolved++;
    return false;
  }

  private async statusOf(id: string, token: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const outcome = await this.attempt('order.get', false, () =>
        this.client().get(`/api/v1/orders/${id}`, { token }),
      );
      if (outcome.status === 200) return outcome.body.status as string;
      await new Promise((r) => setTimeout(r, 250));
    }
    return undefined;
  }
}
