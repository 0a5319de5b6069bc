import assert from 'node:assert/strict';
import { bazaar, bazaarOk } from './cli.js';
import { Client } from './http.js';
import { newCustomer, newProduct } from './app.js';
import { CartTraffic, CheckoutTraffic, RequestLog, failureSummary } from './traffic.js';
import type { DrillReport } from '../../src/cluster/nemesis/drill.js';
import { longestWriteGap } from '../../src/cluster/nemesis/figures.js';

interface Component {
  name: string;
  kind: string;
  state: string;
  role?: string;
  attached?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function components(dir: string): Promise<Component[]> {
  return JSON.parse(await bazaarOk(['cluster', 'status', '--json', '--dir', dir])).components;
}

/** The backend that takes writes: the primary (streaming) or pgpool-II's main node (native). */
export async function writer(dir: string, mode: 'native' | 'streaming'): Promise<string> {
  const role = mode === 'streaming' ? 'primary' : 'main';
  const found = (await components(dir)).find((c) => c.kind === 'postgres' && c.role === role && c.attached);
  assert.ok(found, `a ${role} among the backends`);
  return found.name;
}

export interface WriterDrill {
  victim: string;
  /** The longest time, from the fault command on, in which no write was acknowledged. */
  writeGapMs: number;
  failuresByStatus: Record<string, number>;
  attempts: number;
  acknowledged: number;
}

/**
 * The backend that takes writes crashed (`kill`) or cut off (`partition`) under checkout and cart
 * traffic through every entrypoint, brought back after `downMs`: writes resume within 10 s, no
 * request is a 500, every acknowledged order exists with its stock taken, every cart holds its
 * last acknowledged change, the former writer is back (a standby of the new primary, in
 * streaming mode) and the backends agree.
 */
export async function writerDrill(o: {
  dir: string;
  mode: 'native' | 'streaming';
  entrypoints: string[];
  admin: string;
  fault: 'kill' | 'partition';
  downMs: number;
  /** Run once the drill's product and shoppers exist, before its traffic starts (another fault). */
  beforeTraffic?: () => Promise<void>;
}): Promise<WriterDrill> {
  const cli = (...args: string[]) => bazaarOk(['cluster', ...args, '--dir', o.dir]);
  const api = new Client(o.entrypoints[0]!);
  const product = await newProduct(api, o.admin, { stock: 100_000 });
  const shoppers = await Promise.all(Array.from({ length: 6 }, () => newCustomer(api)));
  const log = new RequestLog();
  const orders = new CheckoutTraffic(o.entrypoints, shoppers.slice(0, 3), product.id, log);
  const carters = shoppers.slice(3).map((s) => ({ token: s.token, userId: s.id }));
  const carts = new CartTraffic(o.entrypoints, carters, product.id, log);
  const victim = await writer(o.dir, o.mode);
  await o.beforeTraffic?.();
  orders.start(3);
  carts.start();
  const stopTraffic = () => Promise.all([orders.stop(), carts.stop()]);
  let faultAt = 0;
  try {
    await sleep(1500);
    faultAt = Date.now();
    await cli(o.fault, victim);
    await sleep(o.downMs);
    await cli(o.fault === 'kill' ? 'start' : 'heal', victim);
    await sleep(1000);
  } catch (error) {
    // The traffic must not outlive a failed drill (it would keep the test process running).
    await stopTraffic().catch(() => undefined);
    throw error;
  }
  const [ordered, changed] = await stopTraffic();
  for (const report of [ordered, changed]) {
    assert.equal(report.unresolved, 0, `every write got a definite answer; ${failureSummary(report)}`);
    assert.equal(report.failuresByStatus['500'] ?? 0, 0, `never a 500; ${failureSummary(report)}`);
  }
  // From the command on (it takes the victim down within it), until the victim was back.
  const writeGapMs = longestWriteGap(log.records, faultAt, faultAt + o.downMs);
  assert.ok(writeGapMs <= 10_000, `writes stopped for ${writeGapMs} ms after the ${o.fault} of ${victim}`);
  for (const [, id] of ordered.acknowledged)
    assert.equal((await api.get(`/api/v1/orders/${id}`, { token: o.admin })).status, 200, `order ${id}`);
  const stock = (await api.get(`/api/v1/products/${product.id}`)).body.stock;
  assert.equal(stock, 100_000 - ordered.acknowledged.size, 'stock = initial - acknowledged orders');
  for (const s of carters) {
    const cart = (await api.get(`/api/v1/users/${s.userId}/cart`, { token: s.token })).body;
    const line = cart.items.find((i: { product_id: string }) => i.product_id === product.id);
    const held = String(line?.quantity);
    assert.ok(
      held === changed.acknowledged.get(s.userId) || carts.unanswered.get(s.userId)?.has(held),
      `cart holds ${held}, last acknowledged ${changed.acknowledged.get(s.userId)}`,
    );
  }
  const back = (await components(o.dir)).find((c) => c.name === victim)!;
  assert.equal(back.state, 'up');
  assert.equal(back.attached, true, `${victim} attached again`);
  if (o.mode === 'streaming') {
    assert.equal(back.role, 'standby', `${victim} back as a standby, never a second primary`);
    assert.notEqual(await writer(o.dir, o.mode), victim, 'the promoted standby stays the primary');
  }
  assert.match(await cli('verify'), /backends agree/);
  const failuresByStatus: Record<string, number> = {};
  for (const r of [ordered, changed])
    for (const [k, n] of Object.entries(r.failuresByStatus))
      failuresByStatus[k] = (failuresByStatus[k] ?? 0) + n;
  return {
    victim,
    writeGapMs,
    failuresByStatus,
    attempts: ordered.attempts + changed.attempts,
    acknowledged: ordered.acknowledged.size,
  };
}

/** The seed a suite's nemesis uses: BAZAAR_TEST_NEMESIS_SEED (a number, or `random`), else its own. */
export function nemesisSeed(fallback: number): number {
  const chosen = process.env.BAZAAR_TEST_NEMESIS_SEED;
  if (chosen === 'random') return Math.floor(Math.random() * 2 ** 31);
  return chosen ? Number(chosen) : fallback;
}

/**
 * `bazaar cluster nemesis` as a person runs it, with the history checker: no anomaly, and every
 * fault was recovered from. Prints the figures it reports.
 */
export async function nemesisDrill(
  dir: string,
  o: { seed: number; duration: string; faults: string; label: string },
): Promise<DrillReport> {
  const run = await bazaar([
    'cluster',
    'nemesis',
    '--seed',
    String(o.seed),
    '--duration',
    o.duration,
    '--faults',
    o.faults,
    '--json',
    '--dir',
    dir,
  ]);
  const report = JSON.parse(run.stdout || '{}') as DrillReport;
  process.stdout.write(`# ${o.label}: nemesis seed ${o.seed}, ${report.faults?.length} faults\n`);
  for (const f of report.faults ?? [])
    process.stdout.write(
      `#   ${f.fault} ${f.victim} (${f.slot}): down ${f.downS} s, whole after ${f.settledS} s, failed ${JSON.stringify(f.failedByStatus)}, longest wait ${f.longestWaitMs} ms, writes stopped ${f.writeGapMs} ms\n`,
    );
  const h = report.history;
  if (h)
    process.stdout.write(
      `#   history: ${h.requests} requests, ${h.acknowledgedWrites} writes acknowledged, ${h.orders} orders checked, anomalies ${report.anomalies.length}\n`,
    );
  assert.equal(
    run.code,
    0,
    `nemesis (seed ${o.seed}) found anomalies:\n${report.anomalies?.join('\n')}\n${run.stderr.slice(-3000)}`,
  );
  assert.deepEqual(report.anomalies, []);
  assert.ok(report.faults.length >= 2, 'faults were applied');
  for (const f of report.faults) assert.ok(f.settledS !== undefined, `${f.victim} recovered`);
  return report;
}
