import { randomUUID } from 'node:crypto';
import { Client } from './json-client.js';
import {
  countFailure,
  emptyReport,
  RequestLog,
  type NoAnswer,
  type TrafficReport,
} from './traffic-report.js';

export { failureSummary, RequestLog, type RequestRecord, type TrafficReport } from './traffic-report.js';

/**
 * How long a request may go unanswered before the traffic gives up on it and sends it to the next
 * entrypoint: above nginx's own bound (8 s, ADR 21), so only a silent nginx reaches it.
 */
const REQUEST_TIMEOUT_MS = 9_000;
const SETTLE_AFTER_STOP_MS = 30_000;

export interface Shopper {
  token: string;
}

/**
 * What every kind of traffic shares: its report, the entrypoints round-robin, every request timed
 * and recorded (in `log`, when given), and stopping.
 */
export abstract class Traffic {
  protected stopped = false;
  /** After `stop`, a write being retried gets until then to find its fate (then: unresolved). */
  private settleBy = Infinity;
  private next = 0;
  readonly report: TrafficReport = emptyReport();
  protected loops: Promise<void>[] = [];
  protected readonly started = Date.now();

  constructor(
    private readonly entrypoints: string[],
    private readonly log?: RequestLog,
  ) {}

  async stop(): Promise<TrafficReport> {
    this.stopped = true;
    this.settleBy = Date.now() + SETTLE_AFTER_STOP_MS;
    await Promise.all(this.loops);
    return this.report;
  }

  /** Whether a write being retried may be sent once more (40 attempts, or the stop's deadline). */
  protected mayRetry(attempt: number): boolean {
    return attempt < 40 && Date.now() < this.settleBy;
  }

  protected client(): Client {
    return new Client(this.entrypoints[this.next++ % this.entrypoints.length]!, REQUEST_TIMEOUT_MS);
  }

  /** Sends one request and records how long it took and its answer, whatever its outcome. */
  protected async attempt<T extends { status: number }>(
    op: string,
    write: boolean,
    send: () => Promise<T>,
  ): Promise<T | NoAnswer> {
    const start = Date.now();
    this.report.attempts++;
    let outcome: T | NoAnswer;
    try {
      outcome = await send();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      outcome = { error: cause ?? (error as Error).message };
    }
    const end = Date.now();
    this.report.longestMs = Math.max(this.report.longestMs, end - start);
    const status = outcome.status ?? 'network';
    const acknowledgedWrite = write && typeof status === 'number' && status >= 200 && status < 300;
    this.log?.add({ op, start, end, status, acknowledgedWrite });
    return outcome;
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
    for (let attempt = 0; this.mayRetry(attempt); attempt++) {
      const outcome = await this.attempt('order.create', true, () =>
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
    log?: RequestLog,
  ) {
    super(entrypoints, log);
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

export interface CartShopper {
  token: string;
  userId: string;
}

/**
 * Continuous cart changes: worker w sets shopper w's line of one product to 1, 2, 3, ... through
 * the entrypoints round-robin. Setting a quantity is idempotent, so a failed attempt is sent again
 * with the same quantity until it is answered 200; `acknowledged` maps each shopper to the last
 * quantity acknowledged, which the cart must hold at the end, unless a change that got no answer
 * at all landed later: `unanswered` keeps those quantities per shopper. (A request sent just
 * before a link is cut waits in the kernel's send queue and is delivered when the link is back,
 * long after its client gave up and went on: a register may take it at any later moment.)
 */
export class CartTraffic extends Traffic {
  readonly unanswered = new Map<string, Set<string>>();

  constructor(
    entrypoints: string[],
    private readonly shoppers: CartShopper[],
    private readonly productId: string,
    log?: RequestLog,
  ) {
    super(entrypoints, log);
  }

  start(): void {
    this.loops = this.shoppers.map((s) => this.loop(s));
  }

  private async loop(shopper: CartShopper): Promise<void> {
    for (let quantity = 1; !this.stopped; quantity = (quantity % 999) + 1) {
      let resolved = false;
      for (let attempt = 0; this.mayRetry(attempt) && !resolved; attempt++) {
        const client = this.client();
        const outcome = await this.attempt('cart.put_item', true, () =>
          client.put(`/api/v1/users/${shopper.userId}/cart/items/${this.productId}`, {
            token: shopper.token,
            body: { quantity },
          }),
        );
        if (outcome.status === 200) {
          this.report.acknowledged.set(shopper.userId, String(quantity));
          resolved = true;
        } else {
          if (outcome.status === undefined)
            this.unanswered.set(
              shopper.userId,
              (this.unanswered.get(shopper.userId) ?? new Set()).add(String(quantity)),
            );
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
