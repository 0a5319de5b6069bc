import { Client } from './json-client.js';
import { logIn, newCustomer, newProduct } from './accounts.js';
import { CartTraffic, CheckoutTraffic, type TrafficReport } from './traffic.js';
import { OrderLifecycleTraffic } from './order-lifecycle-traffic.js';
import { RequestLog } from './traffic-report.js';
import { allPages, checkCarts, checkNotifications, checkOrders } from './history-rules.js';

export interface HistoryOptions {
  entrypoints: string[];
  adminEmail: string;
  adminPassword: string;
  /** Shoppers checking out one unit after another, changing a cart line, taking orders through their lives. */
  checkouts?: number;
  carts?: number;
  lifecycles?: number;
}

export interface HistoryResult {
  /** Requests sent, and writes the store acknowledged. */
  requests: number;
  acknowledgedWrites: number;
  orders: number;
  /** Carts that hold a change which got no answer and landed after later ones (not an anomaly). */
  cartsHoldingALateChange: number;
  failuresByStatus: Record<string, number>;
  /** Everything that broke a rule: empty when the store kept every promise. */
  anomalies: string[];
}

const INITIAL_STOCK = 10_000_000;

/**
 * Traffic whose every acknowledged answer is a promise the store must keep, checked at the end:
 * each acknowledged order exists once with its stock taken (stock = initial − live orders), each
 * cart holds its last acknowledged change (changes to a cart are serialized, one shopper each),
 * every acknowledged status change of an order is notified once and in order. Every request's
 * start, end and answer is in `log`.
 */
export class HistoryCheck {
  readonly log = new RequestLog();
  private readonly checkout: CheckoutTraffic;
  private readonly carts: CartTraffic;
  private readonly lifecycle: OrderLifecycleTraffic;

  private constructor(
    private readonly api: Client,
    private readonly admin: string,
    private readonly productId: string,
    private readonly shoppers: Array<{ id: string; token: string }>,
    o: Required<HistoryOptions>,
  ) {
    const buyers = shoppers.slice(0, o.checkouts);
    const carters = shoppers.slice(o.checkouts, o.checkouts + o.carts);
    const lives = shoppers.slice(o.checkouts + o.carts);
    this.checkout = new CheckoutTraffic(o.entrypoints, buyers, productId, this.log);
    this.carts = new CartTraffic(
      o.entrypoints,
      carters.map((s) => ({ token: s.token, userId: s.id })),
      productId,
      this.log,
    );
    this.lifecycle = new OrderLifecycleTraffic(o.entrypoints, lives, admin, productId, this.log);
    this.workers = o.checkouts;
  }

  private readonly workers: number;

  /** Logs the admin in, makes the product and the shoppers the traffic uses. */
  static async prepare(options: HistoryOptions): Promise<HistoryCheck> {
    const o = { checkouts: 3, carts: 3, lifecycles: 3, ...options };
    const api = new Client(o.entrypoints[0]!);
    const admin = await logIn(api, o.adminEmail, o.adminPassword);
    const product = await newProduct(api, admin, { stock: INITIAL_STOCK });
    const count = o.checkouts + o.carts + o.lifecycles;
    const shoppers = await Promise.all(Array.from({ length: count }, () => newCustomer(api)));
    return new HistoryCheck(api, admin, product.id, shoppers, o);
  }

  start(): void {
    this.checkout.start(this.workers);
    this.carts.start();
    this.lifecycle.start();
  }

  async stop(): Promise<TrafficReport[]> {
    return Promise.all([this.checkout.stop(), this.carts.stop(), this.lifecycle.stop()]);
  }

  /**
   * After `stop`: one checkout and one cart change, each sent again until answered, must succeed
   * within `withinMs`. The checkout keeps its Idempotency-Key, so its retries order once.
   */
  async writeSucceeds(withinMs = 30_000): Promise<string | undefined> {
    const deadline = Date.now() + withinMs;
    const [shopper] = this.shoppers;
    const key = `after-the-faults-${Date.now()}`;
    let last = 'nothing answered';
    while (Date.now() < deadline) {
      const order = await this.api
        .post('/api/v1/orders', {
          token: shopper!.token,
          headers: { 'idempotency-key': key },
          body: { items: [{ product_id: this.productId, quantity: 1 }] },
        })
        .catch((e: Error) => ({ status: 0, body: { id: undefined, detail: e.message } }));
      if (order.status === 201) this.afterFaults.add(order.body.id as string);
      const line = await this.api
        .put(`/api/v1/users/${shopper!.id}/cart/items/${this.productId}`, {
          token: shopper!.token,
          body: { quantity: 1 },
        })
        .catch(() => ({ status: 0 }));
      if (order.status === 201 && line.status === 200) return undefined;
      last = `checkout ${order.status}, cart change ${line.status}`;
      await new Promise((r) => setTimeout(r, 500));
    }
    return `no write succeeded within ${withinMs / 1000} s after the last fault (${last})`;
  }

  /** Orders acknowledged by writeSucceeds. */
  private readonly afterFaults = new Set<string>();

  /** The rules, read back through the API; notifications are waited for (they are delivered later). */
  async check(reports: TrafficReport[]): Promise<HistoryResult> {
    const anomalies: string[] = [];
    for (const [name, r] of [
      ['checkouts', reports[0]!],
      ['cart changes', reports[1]!],
      ['order lifecycles', reports[2]!],
    ] as const)
      if (r.unresolved > 0) anomalies.push(`${name}: ${r.unresolved} requests never got a definite answer`);
    const orders = await this.ordersOfShoppers();
    const acknowledged = new Set([
      ...this.checkout.report.acknowledged.values(),
      ...this.lifecycle.statuses.keys(),
      ...this.afterFaults,
    ]);
    anomalies.push(...(await checkOrders(this.api, this.productId, INITIAL_STOCK, orders, acknowledged)));
    const carts = await checkCarts(this.api, this.carts, this.shoppers, this.productId);
    anomalies.push(...carts.anomalies);
    anomalies.push(...(await checkNotifications(this.api, this.shoppers, this.lifecycle, orders)));
    const failuresByStatus: Record<string, number> = {};
    for (const r of reports)
      for (const [status, n] of Object.entries(r.failuresByStatus))
        failuresByStatus[status] = (failuresByStatus[status] ?? 0) + n;
    // A fault may make the store unavailable (503) but never make it fail (500).
    if (failuresByStatus['500'])
      anomalies.push(`${failuresByStatus['500']} requests answered 500 (the API instances' logs say which)`);
    return {
      requests: this.log.records.length,
      acknowledgedWrites: this.log.records.filter((r) => r.acknowledgedWrite).length,
      orders: orders.size,
      cartsHoldingALateChange: carts.landedLate,
      failuresByStatus,
      anomalies,
    };
  }

  /** Every order of every shopper, by id: its owner and status. */
  private async ordersOfShoppers(): Promise<Map<string, { user: string; status: string }>> {
    const orders = new Map<string, { user: string; status: string }>();
    for (const s of this.shoppers)
      for (const o of await allPages<{ id: string; status: string }>(
        this.api,
        `/api/v1/users/${s.id}/orders`,
        s.token,
      ))
        orders.set(o.id, { user: s.id, status: o.status });
    return orders;
  }
}
