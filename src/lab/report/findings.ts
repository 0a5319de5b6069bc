import { KINDS } from '../../cluster/registry.js';
import type { RunRecord } from '../bench/runner.js';
import type { BenchResults } from './bench-results.js';
import { escape, slug } from './html-parts.js';

// The answers the bench exists for, in words generated from its own data, at the top of the
// report: per factor how reads, writes and saturation changed (with their intervals), which tier
// held the load back at saturation, and what the scalability model predicts. Each sentence links
// to the chart it is read from.

const titleOf = (kind: string) => KINDS.find((k) => k.name === kind)?.title ?? kind;
const link = (anchor: string, text: string) => `<a href="#${escape(anchor)}">${escape(text)}</a>`;

/** The tier held at its CPU quota most of the time at saturation, and how much. */
function bottleneck(run: RunRecord | undefined): string | undefined {
  const shares = Object.entries(run?.throttled_at_saturation ?? {}).sort((a, b) => b[1] - a[1]);
  const [top, next] = shares;
  if (!top) return undefined;
  const after = next ? `; next ${titleOf(next[0])}, ${next[1]} %` : '';
  return `${titleOf(top[0])} was held at its CPU quota ${top[1]} % of the time at saturation${after}`;
}

function groupFindings(results: BenchResults, group: BenchResults['groups'][number]): string {
  const name = slug(group.name);
  const runOf = (id: string) => results.runs.find((r) => r.configuration.id === id && r.status === 'ok');
  const sentences: string[] = [];
  for (const m of group.members) {
    if (m.baseline) continue;
    const change = results.changes.find((c) => c.configuration === m.configuration && c.group === group.name);
    if (!change) {
      sentences.push(
        `${escape(m.label)}: not measured (${escape(runOf(m.configuration)?.note ?? 'the run failed')}).`,
      );
      continue;
    }
    sentences.push(`${link(`reads-writes-${name}`, m.label)}: ${escape(change.verdict)}.`);
  }
  const limits = group.members
    .map((m) => [m, bottleneck(runOf(m.configuration))] as const)
    .filter(([, words]) => words)
    .map(([m, words]) => `${m.label}${m.baseline ? ' (baseline)' : ''}: ${words}`);
  if (limits.length > 0)
    sentences.push(`${link(`saturation-${name}`, 'Bottleneck')}: ${escape(limits.join('; '))}.`);
  const model = (results.scalability ?? []).find((s) => s.group === group.name);
  if (model)
    sentences.push(
      model.fit ? `${link(`usl-${name}`, 'Model')}: ${escape(model.words)}` : escape(model.words),
    );
  return `<li><strong>${escape(group.name)}</strong>. ${sentences.join(' ')}</li>`;
}

function baselineSessionsOk(results: BenchResults): number {
  const first = results.runs.find((r) => r.configuration.id === results.baseline);
  return [first, ...(results.baseline_repeats ?? [])].filter((r) => r?.status === 'ok').length;
}

/** The findings section: one item per factor or stage group, every sentence linked to its chart. */
export function findingsSection(results: BenchResults): string {
  if (results.groups.length === 0) return '';
  return `<h2 id="findings">Findings</h2>
<p>Each configuration against the baseline's ${baselineSessionsOk(results)} completed session(s): a change is named only where its interval excludes 0 (method below); the bottleneck is the tier whose simulated hosts were held at their CPU quota most of the time during the saturation runs.</p>
<ul class="findings">${results.groups.map((g) => groupFindings(results, g)).join('\n')}</ul>`;
}
