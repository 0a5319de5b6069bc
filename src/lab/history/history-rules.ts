import type { Client, Reply } from './json-client.js';
import type { OrderLifecycleTraffic } from './order-lifecycle-traffic.js';

// The rules the history checker reads back through the API once the traffic has stopped.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const READ_BACK_MS = 30_000;

/**
 * A read of what the history left: sent again while the answer is a 5xx or none at all (a
 * connection of a healed instance may still be on its way back), for up to 30 s; then it fails
 * with the last answer.
 */
export async function readBack(api: Client, path: string, token?: string): Promise<Reply> {
  const deadline = Date.now() + READ_BACK_MS;
  for (;;) {
    let last: string;
    try {
      const reply = await api.get(path, { token });
      if (reply.status < 500) return reply;
      last = `${reply.status} ${JSON.stringify(reply.body)}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline)
      throw new Error(`GET ${path}: still failing after ${READ_BACK_MS / 1000} s: ${last}`);
    await sleep(500);
  }
}

/** Every item of a paged list (`limit` 100), in the order the API gives them. */
export async function allPages<T>(api: Client, path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const reply = await readBack(api, `${path}?limit=100&page=${page}`, token);
    if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    items.push(...(reply.body.items as T[]));
    if (items.length >= reply.body.total || reply.body.items.length === 0) return items;
  }
}

type Orders = ReadonlyMap<string, { user: string; status: string }>;

/**
 * Every acknowledged order exists, no order exists that was not acknowledged (a retry that
 * ordered twice), and the product's stock is the initial stock less the orders still live. The
 * stock is read until it settles (an expiry or a cached card may trail by a moment).
 */
export async function checkOrders(
  api: Client,
  productId: string,
  initialStock: number,
  orders: Orders,
  acknowledged: ReadonlySet<string>,
): Promise<string[]> {
  const anomalies: string[] = [];
  const lost = [...acknowledged].filter((id) => !orders.has(id));
  const unasked = [...orders.keys()].filter((id) => !acknowledged.has(id));
  if (lost.length > 0)
    anomalies.push(`${lost.length} acknowledged orders are missing (${lost.slice(0, 3).join(', ')})`);
  if (unasked.length > 0)
    anomalies.push(
      `${unasked.length} orders exist that no answer acknowledged (${unasked.slice(0, 3).join(', ')})`,
    );
  const live = [...orders.values()].filter((o) => o.status !== 'cancelled').length;
  let stock: number | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    stock = (await readBack(api, `/api/v1/products/${productId}`)).body.stock as number;
    if (stock === initialStock - live) return anomalies;
    await sleep(500);
  }
  anomalies.push(
    `stock is ${stock}, but ${initialStock} less the ${live} live orders is ${initialStock - live}`,
  );
  return anomalies;
}

/**
 * Each cart holds the quantity its owner's last acknowledged change set, or one of a change that
 * never got an answer (delivered late, after the client went on: counted in `landedLate`).
 */
export async function checkCarts(
  api: Client,
  traffic: {
    report: { acknowledged: ReadonlyMap<string, string> };
    unanswered: ReadonlyMap<string, ReadonlySet<string>>;
  },
  shoppers: ReadonlyArray<{ id: string; token: string }>,
  productId: string,
): Promise<{ anomalies: string[]; landedLate: number }> {
  const anomalies: string[] = [];
  let landedLate = 0;
  for (const [userId, quantity] of traffic.report.acknowledged) {
    const token = shoppers.find((s) => s.id === userId)!.token;
    const reply = await readBack(api, `/api/v1/users/${userId}/cart`, token);
    if (reply.status !== 200) {
      anomalies.push(`cart of ${userId}: read answered ${reply.status} ${JSON.stringify(reply.body)}`);
      continue;
    }
    const line = (reply.body.items as Array<{ product_id: string; quantity: number }>).find(
      (i) => i.product_id === productId,
    );
    const held = String(line?.quantity);
    if (held === quantity) continue;
    if (traffic.unanswered.get(userId)?.has(held)) landedLate++;
    else anomalies.push(`cart of ${userId}: ${line?.quantity ?? 'no line'}, last acknowledged ${quantity}`);
  }
  return { anomalies, landedLate };
}

/**
 * Every order's acknowledged status changes are notified once each, in order (the expiry job may
 * add a last cancellation nobody asked for). Delivery trails the changes: waited for up to 60 s.
 */
export async function checkNotifications(
  api: Client,
  shoppers: ReadonlyArray<{ id: string; token: string }>,
  lifecycle: OrderLifecycleTraffic,
  orders: Orders,
): Promise<string[]> {
  const expected = (id: string) => lifecycle.statuses.get(id) ?? ['pending_payment'];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const notified = new Map<string, Array<{ seq: number; status: string }>>();
    for (const s of shoppers)
      for (const n of await allPages<{ order_id: string; seq: number; status: string }>(
        api,
        `/api/v1/users/${s.id}/notifications`,
        s.token,
      ))
        notified.set(n.order_id, [...(notified.get(n.order_id) ?? []), n]);
    const anomalies: string[] = [];
    for (const [id, order] of orders) {
      const got = (notified.get(id) ?? []).sort((a, b) => a.seq - b.seq).map((n) => n.status);
      const want = expected(id);
      const byExpiry =
        order.status === 'cancelled' && want.at(-1) !== 'cancelled' ? [...want, 'cancelled'] : want;
      if (JSON.stringify(got) !== JSON.stringify(byExpiry))
        anomalies.push(
          `order ${id}: acknowledged ${byExpiry.join(' → ')}, notified ${got.join(' → ') || 'nothing'}`,
        );
    }
    if (anomalies.length === 0 || Date.now() >= deadline)
      return anomalies.length > 5
        ? [...anomalies.slice(0, 5), `… and ${anomalies.length - 5} more orders`]
        : anomalies;
    await sleep(1000);
  }
}
