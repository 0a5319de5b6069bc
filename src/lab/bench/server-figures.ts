import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentDir, type Topology, countOf } from '../../cluster/layout.js';
import { OPERATIONS } from '../load/operations.js';

/** One route's figures over a window, as the servers saw them. */
export interface RouteFigures {
  /** Requests per second the API instances answered. */
  rate_per_s: number;
  /** The API's own time per request (Fastify, from receiving it to the reply sent), mean and p99. */
  api_mean_ms: number;
  api_p99_ms: number;
  /** Of it, the time its store calls took, summed per request (mean). */
  store_mean_ms: number;
  /** nginx's upstream time (sending to an API instance until the reply is read), mean; from its access logs. */
  nginx_upstream_mean_ms?: number;
}

/** What the servers recorded over one configuration's open-model runs (Prometheus and nginx's logs). */
export interface ServerFigures {
  window: { start: string; end: string };
  /** By "METHOD route", as the API's metrics label them. */
  routes: Record<string, RouteFigures>;
  /** Each store's calls: per second and mean time. */
  stores: Record<string, { rate_per_s: number; mean_ms: number }>;
  /** CPU each scraped process used (cores, mean over the window), by component. */
  cpu: Record<string, number>;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One instant query at `at` (unix seconds): the samples, by their labels. */
async function query(prometheus: string, expr: string, at: number): Promise<Sample[]> {
  const url = `${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}&time=${at}`;
  const reply = (await (await fetch(url)).json()) as {
    status: string;
    error?: string;
    data: { result: Sample[] };
  };
  if (reply.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${reply.error}`);
  return reply.data.result;
}

const ms = (seconds: number) => Math.round(seconds * 1_000_000) / 1000;
const keyed = (samples: Sample[], key: (m: Record<string, string>) => string) =>
  new Map(samples.map((s) => [key(s.metric), Number(s.value[1])]));

/** Past the window's end: Prometheus scrapes every 2 s, nginx flushes its log every 1 s. */
const SETTLE_MS = 3000;

/**
 * Reads a window's server figures from Prometheus: increases from the window's start to one
 * scrape past its end (nothing runs after it), so they cover exactly the requests of those runs.
 */
export async function readServerFigures(
  prometheus: string,
  t: Topology,
  window: { start: number; end: number },
): Promise<ServerFigures> {
  // One scrape and one nginx log flush past the window's end, and the figures read as of then
  // (no traffic in between): a request of the window's last seconds was not scraped at its end.
  // Rates are per second of the window.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const settledAt = Date.now();
  const seconds = Math.max(1, Math.round((window.end - window.start) / 1000));
  const range = Math.max(seconds, Math.round((settledAt - window.start) / 1000));
  const at = settledAt / 1000;
  const inc = (metric: string, by: string) => `sum by (${by}) (increase(${metric}[${range}s]))`;
  const route = (m: Record<string, string>) => `${m.method} ${m.route}`;
  const [count, sum, store, p99, storeCalls, storeTime, cpu] = await Promise.all([
    query(prometheus, inc('bazaar_http_request_duration_seconds_count', 'method, route'), at),
    query(prometheus, inc('bazaar_http_request_duration_seconds_sum', 'method, route'), at),
    query(prometheus, inc('bazaar_http_request_store_seconds_sum', 'method, route'), at),
    query(
      prometheus,
      `histogram_quantile(0.99, ${inc('bazaar_http_request_duration_seconds_bucket', 'le, method, route')})`,
      at,
    ),
    query(prometheus, inc('bazaar_store_operation_duration_seconds_count', 'store'), at),
    query(prometheus, inc('bazaar_store_operation_duration_seconds_sum', 'store'), at),
    query(prometheus, `sum by (component) (increase(process_cpu_seconds_total[${range}s])) / ${seconds}`, at),
  ]);
  const sums = keyed(sum, route);
  const stores = keyed(store, route);
  const tails = keyed(p99, route);
  const nginx = await nginxUpstreamTimes(t, window);
  const routes: Record<string, RouteFigures> = {};
  for (const [key, n] of keyed(count, route)) {
    if (n <= 0 || key.includes('unmatched')) continue;
    const upstream = nginx.get(key);
    routes[key] = {
      rate_per_s: Math.round((n / seconds) * 10) / 10,
      api_mean_ms: ms((sums.get(key) ?? 0) / n),
      api_p99_ms: ms(tails.get(key) ?? 0),
      store_mean_ms: ms((stores.get(key) ?? 0) / n),
      ...(upstream ? { nginx_upstream_mean_ms: ms(upstream.seconds / upstream.count) } : {}),
    };
  }
  const times = keyed(storeTime, (m) => m.store!);
  return {
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    routes,
    stores: Object.fromEntries(
      [...keyed(storeCalls, (m) => m.store!)]
        .filter(([, n]) => n > 0)
        .map(([s, n]) => [
          s,
          { rate_per_s: Math.round((n / seconds) * 10) / 10, mean_ms: ms((times.get(s) ?? 0) / n) },
        ]),
    ),
    cpu: Object.fromEntries(
      cpu.map((s) => [s.metric.component!, Math.round(Number(s.value[1]) * 1000) / 1000]),
    ),
  };
}

/** Each lab route as a pattern over request paths (`:id` is one path segment). */
const ROUTES = [...new Set(Object.values(OPERATIONS).map((o) => `${o.method} ${o.route}`))].map((key) => {
  const [method, route] = key.split(' ') as [string, string];
  return { key, method, path: new RegExp(`^${route.replace(/:[A-Za-z]+/g, '[^/]+')}$`) };
});

// `[2026-11-30T01:02:03+00:00] "GET /api/v1/products?limit=5 HTTP/1.1" 200 ... urt=0.004`
const LINE = /\[([^\]]+)\] "(\S+) (\S+) [^"]*" \d+ \d+ rt=\S+ urt=([\d.]+)/;

/**
 * nginx's upstream time per lab route over the window, from every nginx's access log (nginx
 * exports no timings to Prometheus without its commercial module). Lines carry whole seconds.
 */
async function nginxUpstreamTimes(
  t: Topology,
  window: { start: number; end: number },
): Promise<Map<string, { seconds: number; count: number }>> {
  const times = new Map<string, { seconds: number; count: number }>();
  const from = Math.floor(window.start / 1000) * 1000;
  for (let i = 0; i < countOf(t, 'nginx'); i++) {
    const text = await readFile(join(componentDir(t, 'nginx', i), 'access.log'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const m = LINE.exec(line);
      if (!m) continue;
      const at = Date.parse(m[1]!);
      if (at < from || at > window.end) continue;
      const path = m[3]!.split('?')[0]!;
      const route = ROUTES.find((r) => r.method === m[2] && r.path.test(path));
      if (!route) continue;
      const entry = times.get(route.key) ?? { seconds: 0, count: 0 };
      entry.seconds += Number(m[4]);
      entry.count += 1;
      times.set(route.key, entry);
    }
  }
  return times;
}
