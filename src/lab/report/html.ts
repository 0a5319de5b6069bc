import type { BenchResults } from './bench-results.js';
import { spreadOrZero } from '../bench/spread.js';
import { configurationLabel } from './charts.js';
import { escape, table } from './html-parts.js';
import { serverFiguresSection } from './server-section.js';
import { comparisonSection } from './comparison-section.js';
import { findingsSection } from './findings.js';

/** Each kind's quota on its simulated hosts, as the runs recorded them. */
function hostsTable(results: BenchResults): string {
  const quotas: Record<string, { cpu: number; memoryBytes: number }> = {};
  for (const r of results.runs) Object.assign(quotas, r.hosts ?? {});
  const kinds = Object.keys(quotas);
  if (kinds.length === 0) return '';
  return table(
    ['host kind', 'CPU quota (cores)', 'memory limit (MiB)'],
    kinds.map((k) => [k, quotas[k]!.cpu, Math.round(quotas[k]!.memoryBytes / 2 ** 20)]),
  );
}

/** The most the load client could send, its workers at their measured ceiling (req/s). */
function clientCeiling(results: BenchResults): number | undefined {
  const capacity = results.client_capacity;
  return capacity ? capacity.rps * results.load.workers : undefined;
}

/** The client's ceiling over a configuration's saturation: below ~1.5 the client may be what was measured. */
function headroom(results: BenchResults, saturation: number[]): string {
  const ceiling = clientCeiling(results);
  if (ceiling === undefined || saturation.length === 0) return '';
  return `${(ceiling / spreadOrZero(saturation).max).toFixed(1)}×`;
}

/** Whether the load client was ever the bottleneck: its quota reached in more than 5 % of periods. */
function clientText(results: BenchResults): string {
  const worst = Math.max(0, ...results.runs.flatMap((r) => r.client?.throttled_pct ?? []));
  if (!results.runs.some((r) => r.client)) return '';
  const ceiling = clientCeiling(results);
  const capacity =
    ceiling === undefined
      ? ''
      : ` On its host's quota (${results.client_capacity!.client?.cores} core per worker) the client sends at most ${ceiling} req/s ` +
        `to a store that answers at once; the runs table gives that ceiling over each configuration's highest saturation (headroom).`;
  return `<p>The load client ran on hosts of its own; its quota was reached in at most ${worst} % of CPU periods in any run: ${
    worst > 5
      ? 'the client may have limited the load in some runs (see the runs table)'
      : 'the client was never the bottleneck'
  }.${escape(capacity)}</p>`;
}

/**
 * A configuration's CPU quotas summed over its hosts (the load client's included) against the
 * machine's cores: above them the hosts compete for the machine, not only for their quotas.
 */
function quotaText(results: BenchResults, r: BenchResults['runs'][number]): string {
  if (!r.hosts) return '';
  const count = (kind: string) =>
    kind === 'client' ? results.load.workers : (r.configuration.counts[kind] ?? 1);
  const sum = Object.entries(r.hosts).reduce((total, [kind, b]) => total + b.cpu * count(kind), 0);
  const cores = results.machine.cores;
  const text = `${Math.round(sum * 100) / 100} / ${cores}`;
  return sum > cores ? `${text} OVERSUBSCRIBED` : text;
}

function spreadText(values: number[]): string {
  const s = spreadOrZero(values);
  return `${s.median} (${s.min}–${s.max})`;
}

export interface RenderedChart {
  name: string;
  title: string;
  caption: string;
  svg: string;
}

/**
 * `index.html`: one file that opens from disk (each chart's SVG inlined as a data URL, so the charts'
 * internal ids never clash; nothing loaded from elsewhere). A small script counts the charts that
 * were decoded and laid out with a size, for a headless check.
 */
export function reportHtml(results: BenchResults, charts: RenderedChart[]): string {
  const label = (id: string) => configurationLabel(id, results.baseline);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bazaar bench: ${escape(results.matrix)}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2rem;max-width:1400px;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th{background:#f3f3f3}figure{margin:2rem 0}figcaption{color:#555;font-size:.9rem}figure img{max-width:100%;height:auto}
</style></head>
<body>
<h1>Bazaar bench: ${escape(results.matrix)}</h1>
<p>How the number of PostgreSQL backends, pgpool-II, API and nginx instances (and the storage stages) changed the time of each read and write request.
Run from ${escape(results.started_at)} to ${escape(results.finished_at)}.</p>
${findingsSection(results)}
<p>Placement: ${escape(results.placement.reason)}.</p>
${hostsTable(results)}
${clientText(results)}
<h2>Machine and servers</h2>
${machineTable(results)}
<h2>Load</h2>
<p>${escape(modelText(results))}; scenario <code>${escape(results.load.scenario)}</code>, ${results.load.workers} load process(es), warm-up ${escape(results.load.warmup)}, measured ${escape(results.load.duration)}, seed ${results.load.seed}.
Every configuration starts from a clean <code>cluster up</code> with the same seeded data and ends with <code>cluster verify</code>.</p>
<h2>Each factor against the baseline (${escape(configurationLabel(results.baseline, ''))})</h2>
${comparisonSection(results, label)}
<h2>Charts</h2>
${figuresHtml(charts)}
<h2>Runs</h2>
${runsTable(results, label)}
${serverFiguresSection(results)}
<script>
// Charts that are laid out with a size: read by the headless check.
addEventListener('load', () => {
  const visible = [...document.querySelectorAll('figure.chart img')].filter((img) => {
    const box = img.getBoundingClientRect();
    return img.complete && img.naturalWidth > 0 && box.width > 100 && box.height > 100;
  }).length;
  document.body.dataset.chartsVisible = String(visible);
});
</script>
</body></html>
`;
}

type Label = (id: string) => string;

/** How the load was made: both models, the open rate's rule, the repeats. */
function modelText(results: BenchResults): string {
  const describe = (model: BenchResults['load']['closed'] | null) =>
    model === null
      ? 'not run'
      : model.type === 'closed'
        ? `closed model: ${model.users} shopaholics running sessions back to back, think time ${model.think_ms} ms`
        : `open model: ${model.arrival_per_s} new sessions per second (cap ${model.max_sessions}), think time ${model.think_ms} ms`;
  return (
    `Saturation: ${describe(results.load.closed)}. Each request's time: ${describe(results.load.open)} ` +
    `(${results.load.open_rule}). Each measured ${results.load.repeats} times within one cluster up: charts show the median with min–max whiskers`
  );
}

function machineTable(results: BenchResults): string {
  const m = results.machine;
  return table(
    ['what', 'value'],
    [
      ['cores', m.cores],
      ['CPU', m.cpu],
      ['memory', `${m.memory_gib} GiB`],
      ['kernel', m.kernel],
      ...Object.entries(m.versions),
    ],
  );
}

/** A row per configuration: its figures, checks and note. */
function runsTable(results: BenchResults, label: Label): string {
  return table(
    [
      'configuration',
      'status',
      'saturation req/s (median, min–max)',
      'requests',
      'req/s',
      'errors',
      'reads mean ms',
      'writes mean ms',
      'p99 ms',
      'settling runs (errors)',
      'client quota reached (% of periods, max)',
      'client headroom',
      'CPU quotas / machine cores',
      'client = server counts',
      'status change → notification p50 / p99 ms (events)',
      'verify',
      'note',
    ],
    results.runs.map((r) => [
      label(r.configuration.id),
      r.status,
      r.closed?.length ? spreadText(r.closed.map((x) => x.totals.rps)) : '',
      r.load?.totals.count ?? '',
      r.load?.totals.rps ?? '',
      r.load?.totals.errors ?? '',
      r.load?.reads.mean_ms ?? '',
      r.load?.writes.mean_ms ?? '',
      r.load?.totals.p99_ms ?? '',
      r.settling?.length
        ? `${r.settling.length} (${r.settling.map((x) => x.totals.errors).join(', ')})`
        : '0',
      r.client ? `${Math.max(...r.client.throttled_pct)} %` : '',
      headroom(results, r.closed?.map((x) => x.totals.rps) ?? []),
      quotaText(results, r),
      r.server_counts ? (r.server_counts.equal ? 'yes' : 'NO') : '',
      r.notifications
        ? `${r.notifications.p50_ms} / ${r.notifications.p99_ms} (${r.notifications.events}${r.configuration.counts.kafka ? ', Kafka' : ', in process'})`
        : '',
      r.verify ? (r.verify.ok ? 'backends agree' : 'DIFFER') : '',
      r.note ?? '',
    ]),
  );
}

function figuresHtml(charts: RenderedChart[]): string {
  return charts
    .map(
      (c) =>
        `<figure class="chart" id="${escape(c.name)}"><img alt="${escape(c.title)}" src="data:image/svg+xml;base64,${Buffer.from(c.svg).toString('base64')}"><figcaption>${escape(c.caption)} ` +
        `<a href="charts/${escape(c.name)}.svg">SVG</a> · <a href="charts/${escape(c.name)}.png">PNG</a></figcaption></figure>`,
    )
    .join('\n');
}
