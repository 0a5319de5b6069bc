import type { BenchResults } from './bench-results.js';
import { groupedBars } from './bar-spec.js';
import type { Chart } from './chart.js';

/** Each factor changed on its own against the baseline, when there is more than the baseline. */
export function changeCharts(results: BenchResults, baselineLabel: string): Chart[] {
  const changes = results.changes
    .filter((c) => c.configuration !== results.baseline)
    .flatMap((c) => [
      ...(['reads', 'writes'] as const).map((kind) => {
        const d = c.differences.find((x) => x.figure === kind);
        return {
          change: c.label,
          kind,
          pct: d?.change_pct ?? 0,
          low: d?.low_pct ?? 0,
          high: d?.high_pct ?? 0,
        };
      }),
    ]);
  if (changes.length === 0) return [];
  return [
    {
      name: 'change-vs-baseline',
      title: 'Change of read and write mean against the baseline',
      caption:
        'Negative is faster than the baseline, positive slower, for each factor changed on its own; the whiskers are the interval of the change (a family-wise 95 % with the drift between baseline sessions in it): where they cross 0 no difference is shown.',
      spec: groupedBars(changes, {
        title: 'Each factor against the baseline: change of mean time',
        subtitle: `against the baseline ${baselineLabel}'s sessions; below 0 = faster; whiskers: the interval`,
        x: 'change',
        xTitle: 'Factor changed',
        xOrder: [...new Set(changes.map((c) => c.change))],
        offset: 'kind',
        offsetTitle: 'Requests',
        offsetOrder: ['reads', 'writes'],
        y: 'pct',
        yTitle: 'Change of mean time (%)',
        whiskers: ['low', 'high'],
      }),
    },
  ];
}
