import { randomUUID } from 'node:crypto';
import { Client } from './http.js';

export interface TrafficReport {
  attempts: number;
  failedAttempts: number;
  acknowledged: Map<string, string>;
  unresolved: number;
  failuresByStatus: Record<string, number>;
  /** The longest any single request took to be answered or to fail, in ms. */
  longestMs: number;
  /** The first few failures' answers, to say why. */
  samples: string[];
  /** The last few failures, with the time since the traffic started, to say why it stopped. */
  lastFailures: string[];
}

function emptyReport(): TrafficReport {
  return {
    attempts: 0,
    failedAttempts: 0,
    acknowledged: new Map(),
    unresolved: 0,
    failuresByStatus: {},
    longestMs: 0,
    samples: [],
    lastFailures: [],
  };
}

/** A request that got no answer: why, as the client saw it. */
interface NoAnswer {
  status?: undefined;
  error: string;
}

/** Sends one request and records how long it took, whatever its outcome. */
async function timedAttempt<T>(report: TrafficReport, send: () => Promise<T>): Promise<T | NoAnswer> {
  const started = Date.now();
  report.attempts++;
  try {
    return await send();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (error as Error).message };
  } finally {
    report.longestMs = Math.max(report.longestMs, Date.now() - started);
  }
}

/** A summary of a report's failures for an assertion message. */
export function failureSummary(report: TrafficReport): string {
  return `first failures: ${report.samples.join(' | ')}; last: ${report.lastFailures.join(' | ')}`;
}

function countFailure(
  report: TrafficReport,
  started: number,
  outcome: { status: number; body: unknown } | NoAnswer,
): Promise<void> {
  const status = outcome.status;
  report.failedAttempts++;
  const said =
    status === undefined
      ? `no answer (${(outcome as NoAnswer).error})`
      : `${status} ${JSON.stringify(outcome.body)}`;
  if (report.samples.length < 5) report.samples.push(said);
  report.lastFailures.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${said}`);
  if (report.lastFailures.length > 5) report.lastFailures.shift();
  const key = status === undefined ? 'network' : String(status);
  report.failuresByStatus[key] = (report.failuresByStatus[key] ?? 0) + 1;
  return new Promise((r) => setTimeout(r, 250));
}

interface Shopper {
  token: string;
}

/** What every kind of traffic shares: its report, the entrypoints round-robin, and stopping. */
abstract class Traffic {
  protected stopped = false;
  private next = 0;
  readonly report: TrafficReport = emptyReport();
  protected loops: Promise<void>[] = [];
  protected readonly started = Date.now();

  constructor(private readonly entrypoints: string[]) {}

  async stop(): Promise<TrafficReport> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.report;
  }

  protected client(): Client {
    return new Client(this.entrypoints[this.next++ % this.entrypoints.length]!);
  }

  /**
   * One unit of a product ordered under one Idempotency-Key, sent again (to the next entrypoint)
   * until its fate is known: the order's id, `conflict` (409: out of stock), or `unresolved` after
   * 40 attempts (about 10 s).
   */
  protected async checkoutOnce(
    token: string,
    key: string,
    productId: string,
  ): Promise<string | 'conflict' | 'unresolved'> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const outcome = await timedAttempt(this.report, () =>
        this.client().post('/api/v1/orders', {
          token,
          headers: { 'idempotency-key': key },
          body: { items: [{ product_id: productId, quantity: 1 }] },
        }),
      );
      if (outcome.status === 201) return outcome.body.id as string;
      if (outcome.status === 409) return 'conflict';
      await countFailure(this.report, this.started, outcome);
    }
    this.report.unresolved++;
    return 'unresolved';
  }
}

/**
 * Continuous single-unit checkouts through several entrypoints, round-robin with client-side
 * failover: a refused connection or a 5xx moves to the next entrypoint, and a POST /orders is
 * retried with the same Idempotency-Key until its fate is known (201 or 409), so the set of
 * acknowledged orders is complete and no retry orders twice.
 */
export class CheckoutTraffic extends Traffic {
  private keyCounter = 0;
  private readonly run = randomUUID().slice(0, 8);

  constructor(
    entrypoints: string[],
    private readonly shoppers: Shopper[],
    private readonly productId: string,
  ) {
    super(entrypoints);
  }

  start(workers: number): void {
    this.loops = Array.from({ length: workers }, (_, w) => this.loop(w));
  }

  private async loop(worker: number): Promise<void> {
    while (!this.stopped) {
      const shopper = this.shoppers[worker % this.shoppers.length]!;
      // Unique across traffic runs: a key used again by the same shopper replays that order.
      const key = `traffic-${this.run}-${worker}-${this.keyCounter++}`;
      const outcome = await this.checkoutOnce(shopper.token, key, this.productId);
      if (outcome !== 'conflict' && outcome !== 'unresolved') this.report.acknowledged.set(key, outcome);
    }
  }
}

interface CartShopper {
  token: string;
  userId: string;
}

/**
 * Continuous cart changes: worker w sets shopper w's line of one product to 1, 2, 3, ... through
 * the entrypoints round-robin. Setting a quantity is idempotent, so a failed attempt is sent again
 * with the same quantity until it is answered 200; `acknowledged` maps each shopper to the last
 * quantity acknowledged, which the cart must hold at the end.
 */
export class CartTraffic extends Traffic {
  constructor(
    entrypoints: string[],
    private readonly shoppers: CartShopper[],
    private readonly productId: string,
  ) {
    super(entrypoints);
  }

  start(): void {
    this.loops = this.shoppers.map((s) => this.loop(s));
  }

  private async loop(shopper: CartShopper): Promise<void> {
    for (let quantity = 1; !this.stopped; quantity = (quantity % 999) + 1) {
      let resolved = false;
      for (let attempt = 0; attempt < 40 && !resolved; attempt++) {
        const client = this.client();
        const outcome = await timedAttempt(this.report, () =>
          client.put(`/api/v1/users/${shopper.userId}/cart/items/${this.productId}`, {
            token: shopper.token,
            body: { quantity },
          }),
        );
        if (outcome.status === 200) {
          this.report.acknowledged.set(shopper.userId, String(quantity));
          resolved = true;
        } else {
          await countFailure(this.report, this.started, outcome);
        }
      }
      if (!resolved) {
        this.report.unresolved++;
        return;
      }
    }
  }
}

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
  ) {
    super(entrypoints);
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
    for (let attempt = 0; attempt < 40; attempt++) {
      const outcome = await timedAttempt(this.report, () =>
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
      const outcome = await timedAttempt(this.report, () =>
        this.client().get(`/api/v1/orders/${id}`, { token }),
      );
      if (outcome.status === 200) return outcome.body.status as string;
      await new Promise((r) => setTimeout(r, 250));
    }
    return undefined;
  }
}
