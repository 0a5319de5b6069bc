import { mkdir, writeFile } from 'node:fs/promises';
import { loadApiBenchSettings } from '../../config/lab-settings.js';
import { freshBenchDatabase } from './bench-database.js';
import type { Started } from '../../platform/processes.js';
import { scenarios, UNCACHED } from './scenarios.js';
import { measureFirstStart, startApi, startBareServer } from './instances.js';
import { adminToken, json, prepareFixtures } from './fixtures.js';
import { measureBroadcastWindow, type BroadcastWindow } from './broadcast-window.js';
import { measure, type Figure } from './measure.js';
import { profileOperations } from './profile.js';
import { measureTracingCost, type TracingCost } from './tracing-cost.js';
import { DEFAULT_TRACE_SAMPLE } from '../../config/tracing-settings.js';

/**
 * `npm run bench`: the API's hot operations against a bare Node.js server, in one run on one
 * machine, printed as ratios; the product cache's broadcast window; the first start. Figures, not
 * a test: nothing here passes or fails. The API runs as the embedded default does (one PostgreSQL
 * from the npm registry), started here so that a second and third instance can share it.
 */
const SETTINGS = loadApiBenchSettings();
const DURATION_S = SETTINGS.durationS;
const WARMUP_S = SETTINGS.warmupS;
const CONNECTIONS = SETTINGS.connections;
const CACHE_TTL_MS = 5000;
const CACHE = { BAZAAR_PRODUCT_CACHE_TTL: `${CACHE_TTL_MS}ms` };
const GOALS: Record<string, number> = {
  'product.get': 0.5,
  'product.list': 0.15,
  'product.list_category': 0.15,
  'product.search': 0.1,
  'cart.put_item': 0.15,
  'order.create': 0.05,
};

const LOAD = { connections: CONNECTIONS, warmupS: WARMUP_S, durationS: DURATION_S };

const say = (line: string) => process.stdout.write(`bench: ${line}\n`);

type StartApi = (name: string, env?: Record<string, string>) => Promise<Started>;

async function main(): Promise<void> {
  say(`${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per operation`);
  const firstStartMs = await measureFirstStart(SETTINGS.baseEnv);
  say(
    `first start (empty state folder: embedded PostgreSQL, migrations, demo data) ready in ${(firstStartMs / 1000).toFixed(1)} s`,
  );
  say(`a new embedded PostgreSQL in ${SETTINGS.stateDir}, seeded by the first instance`);
  const database = await freshBenchDatabase(SETTINGS.stateDir);
  const started: Started[] = [];
  const start: StartApi = async (name, env = {}) => {
    const api = await startApi(name, database.url, SETTINGS.baseEnv, env);
    started.push(api);
    return api;
  };
  try {
    const api = await start('bench', { ...CACHE, BAZAAR_SEED_ON_START: 'on' });
    const yardstick = await startBareServer(SETTINGS.baseEnv);
    started.push(yardstick);
    const requests = scenarios(await prepareFixtures(api.url, CONNECTIONS));
    const figures = await measureOperations({ api, yardstick, databasePid: database.pid, requests, start });
    say('the broadcast window: a price changed on one instance, read back on another');
    const window = await broadcastWindow(api, await start('bench-reader', CACHE));
    say(
      `what tracing costs: off, ${DEFAULT_TRACE_SAMPLE * 100} % of requests (the default) and all, spans exported`,
    );
    const tracing = await measureTracingCost(
      (name, env) => start(name, { ...CACHE, ...env }),
      requests,
      ['product.get', 'product.search', 'cart.put_item'],
      LOAD,
      database.pid,
    );
    report(figures, window, firstStartMs);
    reportTracing(tracing);
    await writeFigures({ firstStartMs, figures, window, tracing });
  } finally {
    for (const process of started.reverse()) await process.stop();
    await database.stop();
  }
}

/** The bare server, each operation, then the reads again on an instance without the caches. */
async function measureOperations(o: {
  api: Started;
  yardstick: Started;
  databasePid: number;
  requests: ReturnType<typeof scenarios>;
  start: StartApi;
}): Promise<Figure[]> {
  const figures: Figure[] = [
    await measure('bare node', o.yardstick.url, { method: 'GET', path: '/' }, LOAD, {
      serverPid: o.yardstick.pid,
    }),
  ];
  const sides = { serverPid: o.api.pid, databasePid: o.databasePid };
  for (const [operation, request] of Object.entries(o.requests)) {
    say(operation);
    figures.push(await measure(operation, o.api.url, request, LOAD, sides));
  }
  say('the reads again without the caches (a second instance, BAZAAR_PRODUCT_CACHE_TTL=0)');
  const uncached = await o.start('bench-no-cache', { BAZAAR_PRODUCT_CACHE_TTL: '0' });
  for (const operation of UNCACHED) {
    figures.push(
      await measure(`${operation} (no cache)`, uncached.url, o.requests[operation]!, LOAD, {
        serverPid: uncached.pid,
        databasePid: o.databasePid,
      }),
    );
  }
  await uncached.stop();
  return figures;
}

/** A price changed on one instance, read back on the other until it shows. */
async function broadcastWindow(api: Started, reader: Started): Promise<BroadcastWindow> {
  const admin = await adminToken(api.url);
  const product = await json(api.url, '/api/v1/products', {
    method: 'POST',
    token: admin,
    body: JSON.stringify({
      sku: `window-${Date.now()}`,
      name: 'Window',
      category: 'Тест',
      price: 100,
      stock: 1,
    }),
  });
  return measureBroadcastWindow(api.url, reader.url, {
    admin,
    productId: product.id,
    rounds: 200,
    ttlMs: CACHE_TTL_MS,
  });
}

async function writeFigures(r: {
  firstStartMs: number;
  figures: Figure[];
  window: BroadcastWindow;
  tracing: TracingCost[];
}): Promise<void> {
  await mkdir('reports', { recursive: true });
  const figures = {
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    first_start_ms: r.firstStartMs,
    figures: r.figures,
    broadcast_window: r.window,
    tracing_cost: r.tracing,
  };
  await writeFile('reports/api-bench.json', JSON.stringify(figures, null, 2));
  say('figures written to reports/api-bench.json');
}

function report(figures: Figure[], window: BroadcastWindow, firstStartMs: number): void {
  const bareRps = figures[0]!.rps;
  const rows = figures.map((f) => {
    const ratio = f.rps / bareRps;
    const goal = GOALS[f.operation];
    return [
      f.operation,
      f.rps.toFixed(0),
      f.p50_ms.toFixed(1),
      f.p99_ms.toFixed(1),
      ratio.toFixed(3),
      goal === undefined ? '' : `>= ${goal} ${ratio >= goal ? 'met' : 'missed'}`,
      String(f.non2xx + f.errors),
      String(f.server_cpu_us),
      f.operation === 'bare node' ? '' : String(f.database_cpu_us),
    ];
  });
  const header = [
    'operation',
    'req/s',
    'p50 ms',
    'p99 ms',
    'ratio',
    'goal',
    'failed',
    'server CPU µs/req',
    'PG CPU µs/req',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n\n`,
  );
  process.stdout.write(
    `product cache broadcast window (${window.rounds} changes): p50 ${window.p50_ms} ms, p99 ${window.p99_ms} ms, ` +
      `max ${window.max_ms} ms (goal: p99 under 50 ms); stale reads beyond the TTL: ${window.stale_beyond_ttl}\n` +
      `first start: ${(firstStartMs / 1000).toFixed(1)} s (goal: under 20 s)\n\n`,
  );
}

function reportTracing(costs: TracingCost[]): void {
  process.stdout.write(
    `tracing: throughput lost against tracing off (same database, measured in turn; ${DEFAULT_TRACE_SAMPLE * 100} % is the default)\n`,
  );
  for (const c of costs)
    process.stdout.write(
      `  ${c.operation.padEnd(16)} off ${c.off_rps} req/s; ${DEFAULT_TRACE_SAMPLE * 100} %: ${c.default_rps} (${c.default_cost_pct} %); all: ${c.all_rps} (${c.all_cost_pct} %)\n`,
    );
  process.stdout.write('\n');
}

(process.argv.includes('--profile') ? profileOperations(SETTINGS, LOAD, say) : main()).catch(
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
