import type { RunRecord } from '../bench/runner.js';
import { OPERATION_NAMES, routeKey, type OperationName } from '../load/operations.js';
import { groupedBars } from './bar-spec.js';
import type { Chart } from './chart.js';

/** The layers a request's time is measured at, outermost first. */
const LAYERS = [
  'client (observed)',
  'nginx → API instance',
  'API instance',
  'stores (calls summed)',
] as const;

/** An operation's mean client time over every open-model run of the configuration (weighted by count). */
function clientMean(run: RunRecord, op: string): number | undefined {
  let time = 0;
  let count = 0;
  for (const r of run.open ?? []) {
    const s = r.operations[op];
    if (!s || s.count === 0) continue;
    time += s.mean_ms * s.count;
    count += s.count;
  }
  return count > 0 ? Math.round((time / count) * 1000) / 1000 : undefined;
}

/** Rows of one configuration's chart: each operation's mean at each layer. */
export function whereTimeGoesRows(
  run: RunRecord,
): Array<{ operation: string; layer: string; mean_ms: number }> {
  const server = run.server;
  if (!server) return [];
  return OPERATION_NAMES.flatMap((op: OperationName) => {
    const client = clientMean(run, op);
    const route = server.routes[routeKey(op)];
    if (client === undefined || !route) return [];
    const values = [client, route.nginx_upstream_mean_ms, route.api_mean_ms, route.store_mean_ms];
    return LAYERS.flatMap((layer, i) =>
      values[i] === undefined ? [] : [{ operation: op, layer, mean_ms: values[i] }],
    );
  });
}

/**
 * "Where the time goes", one chart per configuration with server figures: for each operation the
 * mean the load client saw, nginx's upstream time, the API instance's own time and the part of it
 * spent in store calls, over the same open-model runs.
 */
export function whereTimeGoesCharts(runs: readonly RunRecord[], label: (id: string) => string): Chart[] {
  return runs.flatMap((run) => {
    const rows = whereTimeGoesRows(run);
    if (rows.length === 0) return [];
    const name = label(run.configuration.id);
    const operations = OPERATION_NAMES.filter((op) => rows.some((r) => r.operation === op));
    return [
      {
        name: `where-time-goes-${run.configuration.id}`,
        title: `Where the time goes: ${name}`,
        caption:
          'For each operation, over the open-model runs: the mean the load client observed, nginx’s upstream time (its log), the API instance’s own time and the time its store calls took (Prometheus, from the instances’ histograms). The gap between two bars is time spent between those layers: the network and queues, nginx, Node.js before the route. Product list and search share one route, so their server bars are the same.',
        spec: groupedBars(rows, {
          title: `Where the time goes: ${name}`,
          subtitle: `mean per request at each layer, ${run.server!.window.start} to ${run.server!.window.end}`,
          x: 'operation',
          xTitle: 'Operation',
          xOrder: operations,
          offset: 'layer',
          offsetTitle: 'Measured at',
          offsetOrder: [...LAYERS],
          y: 'mean_ms',
          yTitle: 'Mean time (ms)',
        }),
      },
    ];
  });
}
