import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitUsl, fitUslOnce, uslPeak, uslThroughput, type UslPoint } from '../../src/lab/stats/usl.js';
import { scalabilityCharts, scalabilityModels } from '../../src/lab/report/scalability.js';
import { renderSvg } from '../../src/lab/report/render.js';
import { readableBars, scalesHideBars } from '../../src/lab/report/bar-spec.js';
import type { RunRecord } from '../../src/lab/bench/runner.js';

const truth = { lambda: 100, sigma: 0.1, kappa: 0.02 };
/** Runs at N = 1..4 around the law, ±1 % in a fixed pattern. */
const around = (p: typeof truth, ns = [1, 2, 3, 4]): UslPoint[] =>
  ns.map((n) => ({ n, throughputs: [0.99, 1, 1.01].map((f) => f * uslThroughput(p, n)) }));

test('the law and its peak: N* = √((1−σ)/κ), no peak without coherency', () => {
  assert.equal(uslThroughput(truth, 1), 100);
  assert.ok(Math.abs(uslThroughput(truth, 2) - 200 / 1.14) < 1e-9);
  assert.equal(uslPeak(truth), Math.sqrt(0.9 / 0.02));
  assert.equal(uslPeak({ ...truth, kappa: 0 }), Infinity);
});

test('least squares finds σ and κ back from runs around the law', () => {
  const fit = fitUslOnce(around(truth));
  assert.equal(fit.lambda, 100);
  assert.ok(Math.abs(fit.sigma - 0.1) < 0.01, `σ ${fit.sigma}`);
  assert.ok(Math.abs(fit.kappa - 0.02) < 0.003, `κ ${fit.kappa}`);
  assert.throws(() => fitUslOnce([{ n: 2, throughputs: [150] }]), /N = 1/);
});

test('the bootstrap gives intervals around the estimate, and a peak only where κ is distinguishable from 0', () => {
  const fit = fitUsl(around(truth), 200);
  for (const x of [fit.lambda, fit.sigma, fit.kappa])
    assert.ok(x.low <= x.value && x.value <= x.high, JSON.stringify(x));
  assert.ok(fit.peak, 'κ > 0 shown');
  assert.ok(fit.peak.n.low < 6.7 && 6.7 < fit.peak.n.high, JSON.stringify(fit.peak));
  assert.equal(fit.predictUpTo, 8);
  assert.ok(fit.rms < 3, `rms ${fit.rms}`);
  // Linear scaling with a little noise: κ's interval reaches 0, so no peak is predicted.
  const linear = fitUsl(around({ lambda: 100, sigma: 0, kappa: 0 }), 200);
  assert.equal(linear.peak, undefined);
  assert.equal(linear.kappa.low, 0);
  assert.deepEqual(fitUsl(around(truth), 50, 7), fitUsl(around(truth), 50, 7), 'the same each time');
});

test('a count factor with N = 1..4 gets its model in words and a chart that renders; fewer counts get a reason', async () => {
  const run = (id: string, n: number) =>
    ({
      configuration: { id },
      status: 'ok',
      closed: [0.98, 1, 1.02].map((f) => ({ totals: { rps: f * uslThroughput(truth, n) } })),
    }) as unknown as RunRecord;
  const members = [1, 2, 3, 4].map((n) => ({
    label: `api ${n}`,
    configuration: `api${n}`,
    baseline: n === 2,
    count: n,
  }));
  const groups = [
    { name: 'API instances', key: 'api', members },
    { name: 'nginx instances', key: 'nginx', members: members.slice(0, 2) },
    { name: 'Storage', members: [members[0]!] },
  ];
  const runs = [1, 2, 3, 4].map((n) => run(`api${n}`, n));
  const models = scalabilityModels(groups, runs, [run('api2', 2)]);
  assert.deepEqual(
    models.map((m) => m.group),
    ['API instances', 'nginx instances'],
    'count factors only',
  );
  const [api, nginx] = models;
  assert.equal(api!.points.find((p) => p.n === 2)!.runs.length, 6, 'the baseline from both its sessions');
  assert.match(api!.words, /^API instances: one instance 100 req\/s; contention σ = 0\.\d+ \[/);
  assert.match(api!.words, /predicted peak N\* = √\(\(1−σ\)\/κ\) = [67]\.\d+ \[/);
  assert.match(nginx!.words, /no model \(2 counts measured/);
  const [chart] = scalabilityCharts(models);
  assert.equal(chart!.name, 'usl-api-instances');
  const svg = await renderSvg(chart!.spec);
  assert.match(svg, /Saturation throughput by API instances: measured and modelled/);
  assert.match(svg, /Universal Scalability Law fit/);
});

test('bars many times the others get a panel per operation with its own scale; comparable bars share one', async () => {
  const row = (operation: string, member: string, mean_ms: number) => ({ operation, member, mean_ms });
  const options = {
    title: 'Mean time',
    subtitle: 'open model',
    x: 'operation',
    xTitle: 'Operation',
    xOrder: ['a', 'b'],
    offset: 'member',
    offsetTitle: 'API instances',
    offsetOrder: ['api 1', 'api 2'],
    y: 'mean_ms',
    yTitle: 'Mean time (ms)',
  };
  const even = [row('a', 'api 1', 5), row('a', 'api 2', 4), row('b', 'api 1', 9), row('b', 'api 2', 7)];
  const skewed = [row('a', 'api 1', 400), row('a', 'api 2', 4), row('b', 'api 1', 900), row('b', 'api 2', 7)];
  assert.equal(scalesHideBars(even, 'mean_ms'), false);
  assert.equal(scalesHideBars(skewed, 'mean_ms'), true);
  assert.ok(!('facet' in readableBars(even, options)));
  const svg = await renderSvg(readableBars(skewed, options));
  assert.match(svg, /one panel per operation, each with its own scale/);
  assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, 4);
});
