import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type autocannon from 'autocannon';
import type { Started } from '../../platform/processes.js';
import { DEFAULT_TRACE_SAMPLE } from '../../config/tracing-settings.js';
import { measure, type Load } from './measure.js';

/** One operation's throughput with tracing off, at the default share and on every request. */
export interface TracingCost {
  operation: string;
  off_rps: number;
  default_rps: number;
  all_rps: number;
  /** Throughput lost against tracing off, in %. */
  default_cost_pct: number;
  all_cost_pct: number;
}

/** An OTLP/HTTP intake that accepts and drops every export: the exporter does all its work. */
async function spanSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * What tracing costs: three instances on the same database (tracing off, the default share, every
 * request), each operation measured on the three in turn and again in reverse order, the two
 * averaged. Spans go to a sink over OTLP/HTTP, so their export is paid for too.
 */
export async function measureTracingCost(
  start: (name: string, env: Record<string, string>) => Promise<Started>,
  requests: Record<string, autocannon.Request>,
  operations: readonly string[],
  load: Load,
  databasePid: number,
): Promise<TracingCost[]> {
  const sink = await spanSink();
  const instances: Started[] = [];
  try {
    const launch = async (name: string, sample: number) => {
      const api = await start(name, {
        BAZAAR_TRACE_SAMPLE: String(sample),
        BAZAAR_OTLP_ENDPOINT: sink.url,
      });
      instances.push(api);
      return api;
    };
    const off = await launch('bench-trace-off', 0);
    const share = await launch('bench-trace-default', DEFAULT_TRACE_SAMPLE);
    const all = await launch('bench-trace-all', 1);
    const costs: TracingCost[] = [];
    for (const operation of operations) {
      const rps = async (api: Started) =>
        (await measure(operation, api.url, requests[operation]!, load, { serverPid: api.pid, databasePid }))
          .rps;
      // Twice, the second time in reverse order: whatever drifts over the minute hits all three alike.
      const first = [await rps(off), await rps(share), await rps(all)];
      const second = [await rps(all), await rps(share), await rps(off)].reverse();
      const [offRps, defaultRps, allRps] = first.map((r, i) => (r + second[i]!) / 2) as [
        number,
        number,
        number,
      ];
      const cost = (r: number) => Math.round((1 - r / offRps) * 1000) / 10;
      costs.push({
        operation,
        off_rps: Math.round(offRps),
        default_rps: Math.round(defaultRps),
        all_rps: Math.round(allRps),
        default_cost_pct: cost(defaultRps),
        all_cost_pct: cost(allRps),
      });
    }
    return costs;
  } finally {
    for (const api of instances) await api.stop();
    await sink.close();
  }
}
