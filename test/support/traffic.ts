import { Client } from './http.js';

export interface TrafficReport {
  attempts: number;
  failedAttempts: number;
  acknowledged: Map<string, string>;
  unresolved: number;
  failuresByStatus: Record<string, number>;
}

interface Shopper {
  token: string;
}

/**
 * Continuous single-unit checkouts through several entrypoints, round-robin with client-side
 * failover: a refused connection or a 5xx moves to the next entrypoint, and a POST /orders is
 * retried with the same Idempotency-Key until its fate is known (201 or 409), so the set of
 * acknowledged orders is complete and no retry orders twice.
 */
export class CheckoutTraffic {
  private stopped = false;
  private next = 0;
  private keyCounter = 0;
  readonly report: TrafficReport = {
    attempts: 0,
    failedAttempts: 0,
    acknowledged: new Map(),
    unresolved: 0,
    failuresByStatus: {},
  };
  private loops: Promise<void>[] = [];

  constructor(
    private readonly entrypoints: string[],
    private readonly shoppers: Shopper[],
    private readonly productId: string,
  ) {}

  start(workers: number): void {
    this.loops = Array.from({ length: workers }, (_, w) => this.loop(w));
  }

  async stop(): Promise<TrafficReport> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.report;
  }

  private client(): Client {
    return new Client(this.entrypoints[this.next++ % this.entrypoints.length]!);
  }

  private async loop(worker: number): Promise<void> {
    while (!this.stopped) {
      const shopper = this.shoppers[worker % this.shoppers.length]!;
      const key = `traffic-${worker}-${this.keyCounter++}`;
      let resolved = false;
      // Bounded: a key is retried at most 40 times (about 10 s), then counted as unresolved.
      for (let attempt = 0; attempt < 40 && !resolved; attempt++) {
        this.report.attempts++;
        const outcome = await this.client()
          .post('/api/v1/orders', {
            token: shopper.token,
            headers: { 'idempotency-key': key },
            body: { items: [{ product_id: this.productId, quantity: 1 }] },
          })
          .catch(() => null);
        if (outcome && outcome.status === 201) {
          this.report.acknowledged.set(key, outcome.body.id);
          resolved = true;
        } else if (outcome && outcome.status === 409) {
          resolved = true; // out of stock: a definite answer
        } else {
          this.report.failedAttempts++;
          const status = outcome ? String(outcome.status) : 'network';
          this.report.failuresByStatus[status] = (this.report.failuresByStatus[status] ?? 0) + 1;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      if (!resolved) this.report.unresolved++;
    }
  }
}
