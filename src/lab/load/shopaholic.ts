import { randomUUID } from 'node:crypto';
import { between, pick } from '../../seed/random.js';
import type { Call, LoadClient, Reply } from './load-client.js';
import type { OperationName } from './operations.js';
import type { Scenario } from './scenario.js';

/** Thrown between steps once the run is over: the session ends where it stands. */
export class SessionStopped extends Error {}

export interface SessionContext {
  client: LoadClient;
  scenario: Scenario;
  random: () => number;
  thinkMs: number;
  adminPassword: string | undefined;
  /** Unique per run and worker, so repeated runs against one database never collide. */
  tag: string;
  customers: CustomerLeases;
  isOver(): boolean;
}

interface Item {
  id: string;
}
interface Page {
  items: Item[];
}
interface SignedIn {
  token: string;
  userId: string;
}

/**
 * Seeded customers are leased to one session at a time, so two sessions never fight over one cart
 * (which would turn a shopaholic's own checkout into an "empty cart" 409). Each worker owns the
 * customers n ≡ worker (mod workers).
 */
export class CustomerLeases {
  private readonly free: number[] = [];

  constructor(count: number, worker: number, workers: number) {
    for (let n = worker + 1; n <= count; n += workers) this.free.push(n);
  }

  take(random: () => number): number | undefined {
    if (this.free.length === 0) return undefined;
    const i = Math.floor(random() * this.free.length);
    const [n] = this.free.splice(i, 1);
    return n;
  }

  give(n: number): void {
    this.free.push(n);
  }
}

class Steps {
  private first = true;
  constructor(private readonly ctx: SessionContext) {}

  /** Thinks (except before the first step), then sends; ends the session once the run is over. */
  async send(op: OperationName, call: Call): Promise<Reply> {
    if (this.ctx.isOver()) throw new SessionStopped();
    if (!this.first && this.ctx.thinkMs > 0) await new Promise((r) => setTimeout(r, this.ctx.thinkMs));
    this.first = false;
    if (this.ctx.isOver()) throw new SessionStopped();
    return this.ctx.client.send(op, call);
  }
}

const ids = (reply: Reply): string[] =>
  reply.ok && reply.body ? ((reply.body as Page).items ?? []).map((i) => i.id) : [];

/** One session: an admin editing the catalogue now and then, otherwise a shopaholic. */
export async function runSession(ctx: SessionContext): Promise<void> {
  const steps = new Steps(ctx);
  if (ctx.adminPassword && ctx.random() < ctx.scenario.admin.share) return adminSession(ctx, steps);
  const leased =
    ctx.random() < ctx.scenario.customers.register_share ? undefined : ctx.customers.take(ctx.random);
  try {
    const who = await signIn(ctx, steps, leased);
    if (who) await shop(ctx, steps, who);
  } finally {
    if (leased !== undefined) ctx.customers.give(leased);
  }
}

async function signIn(
  ctx: SessionContext,
  steps: Steps,
  customer: number | undefined,
): Promise<SignedIn | null> {
  const { customers } = ctx.scenario;
  let email: string;
  if (customer === undefined) {
    email = `shopper-${ctx.tag}-${randomUUID().slice(0, 8)}@load.bazaar.local`;
    const reg = await steps.send('user.register', {
      path: '/api/v1/users',
      body: { email, password: customers.password, name: 'Load Shopper' },
    });
    if (!reg.ok) return null;
  } else {
    email = customers.email.replace('{n}', String(customer));
  }
  return tokenFor(steps, email, customers.password);
}

async function tokenFor(steps: Steps, email: string, password: string): Promise<SignedIn | null> {
  const reply = await steps.send('auth.token', {
    path: '/api/v1/auth/token',
    body: { email, password },
    parse: true,
  });
  if (!reply.ok) return null;
  const body = reply.body as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}

async function browse(ctx: SessionContext, steps: Steps, token?: string): Promise<string[]> {
  const { browse: b } = ctx.scenario;
  const r = ctx.random;
  const seen: string[] = [];
  for (let i = between(r, ...b.lists); i > 0; i--) {
    const sort = pick(r, ['created_at', 'price', 'name']);
    const category = encodeURIComponent(pick(r, b.categories));
    const path = `/api/v1/products?category=${category}&sort=${sort}&limit=${b.page_size}&page=${between(r, 1, 3)}`;
    seen.push(...ids(await steps.send('product.list', { path, token, parse: true })));
  }
  for (let i = between(r, ...b.searches); i > 0; i--) {
    const term = encodeURIComponent(pick(r, b.search_terms));
    const path = `/api/v1/products?search=${term}&limit=${b.page_size}`;
    seen.push(...ids(await steps.send('product.search', { path, token, parse: true })));
  }
  if (seen.length === 0) return seen;
  for (let i = between(r, ...b.product_views); i > 0; i--) {
    await steps.send('product.get', { path: `/api/v1/products/${pick(r, seen)}`, token });
  }
  return seen;
}

async function shop(ctx: SessionContext, steps: Steps, who: SignedIn): Promise<void> {
  const { cart: c, checkout } = ctx.scenario;
  const r = ctx.random;
  const { token, userId } = who;
  const cartPath = `/api/v1/users/${userId}/cart`;
  const current = await steps.send('cart.get', { path: cartPath, token, parse: true });
  const lines = new Set<string>(
    current.ok
      ? ((current.body as { items: Array<{ product_id: string }> }).items ?? []).map((i) => i.product_id)
      : [],
  );
  const seen = await browse(ctx, steps, token);
  if (seen.length === 0) return;
  const removed: string[] = [];
  const put = async (id: string) => {
    const reply = await steps.send('cart.put_item', {
      path: `${cartPath}/items/${id}`,
      token,
      body: { quantity: between(r, 1, c.max_quantity) },
      accept: [404],
    });
    if (reply.status === 200) lines.add(id);
  };
  const remove = async (id: string) => {
    const reply = await steps.send('cart.remove_item', { path: `${cartPath}/items/${id}`, token });
    if (reply.ok) lines.delete(id);
  };
  // Open tabs: distinct products put at once, each by its own request.
  const tabs = [...new Set(seen)].slice(0, c.tabs ?? 1);
  if (tabs.length > 1) await Promise.all(tabs.map(put));
  // Agonising: quantities set, lines removed and put back, the cart looked at in between.
  const changes = between(r, ...c.changes);
  for (let i = 1; i <= changes; i++) {
    if (lines.size > 0 && (lines.size >= c.max_lines || r() < c.remove_share)) {
      const id = pick(r, [...lines]);
      await remove(id);
      removed.push(id);
    } else if (removed.length > 0 && r() < c.readd_share) {
      await put(removed.pop()!);
    } else {
      await put(pick(r, seen));
    }
    if (i % c.view_every === 0) await steps.send('cart.get', { path: cartPath, token });
  }
  if (r() >= checkout.share) return;
  if (lines.size === 0) await put(pick(r, seen));
  const order = await steps.send('order.create', {
    path: '/api/v1/orders',
    token,
    headers: { 'idempotency-key': randomUUID() },
    body: {},
    accept: [409],
    parse: true,
  });
  if (order.status === 409) {
    // Stock ran short: this shopaholic gives up and empties the cart.
    for (const id of [...lines]) await remove(id);
    return;
  }
  if (order.status !== 201) return;
  const orderId = (order.body as { id: string }).id;
  if (r() < checkout.pay_share) {
    await steps.send('order.pay', { path: `/api/v1/orders/${orderId}`, token, body: { status: 'paid' } });
  }
  if (r() < checkout.view_orders_share) {
    await steps.send('order.list', { path: `/api/v1/users/${userId}/orders?limit=10`, token });
    await steps.send('order.get', { path: `/api/v1/orders/${orderId}`, token });
  }
}

async function adminSession(ctx: SessionContext, steps: Steps): Promise<void> {
  const { admin, browse: b } = ctx.scenario;
  const r = ctx.random;
  const who = await tokenFor(steps, admin.email, ctx.adminPassword!);
  if (!who) return;
  const { token } = who;
  for (let i = between(r, ...admin.creates); i > 0; i--) {
    await steps.send('product.create', {
      path: '/api/v1/products',
      token,
      body: {
        sku: `LOAD-${ctx.tag}-${randomUUID().slice(0, 8)}`,
        name: `Платье сезонное ${between(r, 100, 999)}`,
        description: 'Новинка из хлопка. A new cotton arrival.',
        category: pick(r, b.categories),
        price: between(r, 500, 20_000) * 100,
        stock: between(r, 10, 500),
        attributes: { brand: 'Bazaar Load' },
      },
    });
  }
  const seen = await browse(ctx, steps, token);
  for (let i = between(r, ...admin.updates); i > 0 && seen.length > 0; i--) {
    const id = pick(r, seen);
    const card = await steps.send('product.get', { path: `/api/v1/products/${id}`, token });
    const etag = card.headers.etag;
    if (typeof etag !== 'string') continue;
    // Another admin may have changed it meanwhile: 412 is the contract's answer, not an error.
    await steps.send('product.update', {
      path: `/api/v1/products/${id}`,
      token,
      headers: { 'if-match': etag },
      body: { price: between(r, 500, 20_000) * 100 },
      accept: [412],
    });
  }
}
