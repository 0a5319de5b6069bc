import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadClusterSettings, type ClusterSettings } from '../../config/cluster-settings.js';
import { observabilityAvailable } from '../../cluster/observability-default.js';
import { KINDS } from '../../cluster/registry.js';
import { installMissing } from '../../cluster/requirements.js';
import { measureClientCapacity } from '../load/capacity.js';
import type { LoadResult } from '../load/summary.js';
import { loadScenario, type Scenario } from '../load/scenario.js';
import { changesAgainstBaseline, comparisonMethod, type BenchResults } from '../report/bench-results.js';
import { describeMachine } from '../report/machine.js';
import { scalabilityModels } from '../report/scalability.js';
import { writeReport } from '../report/write-report.js';
import { MATRICES_DIR, baselineSessions, loadMatrix, plan, type Matrix } from './matrix.js';
import {
  closedModel,
  configurationTopology,
  median,
  openModel,
  sessionRate,
  type BenchPlacement,
  type RunRecord,
} from './runner.js';
import { runConfiguration } from './configuration-run.js';
import { choosePlacement } from './placement.js';
import { machinesReason, readBenchInventory } from './inventory-bench.js';
import { isMachines, type Topology } from '../../cluster/layout.js';
import { clearBundles } from '../../cluster/machines/machine-setup.js';

export interface BenchOptions {
  /** The matrix file; default lab/matrices/default.yaml (quick.yaml with `quick`). */
  matrix?: string;
  quick?: boolean;
  /** The report folder; default reports/<timestamp>. */
  out?: string;
  basePort: number;
  workDir: string;
  /** An Ansible-style inventory: every configuration on its machines, over SSH. */
  inventory?: string;
  acceptNewHostKeys?: boolean;
  say: (line: string) => void;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');

/**
 * `bazaar bench`: every configuration of the matrix in turn (a cluster each), the report rewritten
 * after each one; Ctrl-C stops after the configuration under way. Resolves to the runs.
 */
export async function runBench(o: BenchOptions): Promise<RunRecord[]> {
  const bench = await prepareBench(o);
  const { matrix, steps, out, say } = bench;
  const abort = new AbortController();
  const onSigint = () => {
    say('stopping after this configuration (its cluster goes down; the report covers what ran)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const runs: RunRecord[] = [];
  const baselineRepeats: RunRecord[] = [];
  const rate = new OpenRate(matrix, say);
  const results = () => benchResults(bench, rate, runs, baselineRepeats);
  const total = steps.schedule.length;
  say(
    `bench "${matrix.name}": ${steps.configurations.length} configurations, the baseline in ${baselineSessions(matrix)} sessions, ` +
      `${total} clusters, ${bench.reason}, report in ${out}`,
  );
  for (const [i, { configuration: c, baselineSession }] of steps.schedule.entries()) {
    const head = `[${i + 1}/${total}] ${c.id}${baselineSession ? ` (baseline session ${baselineSession})` : ''}`;
    if (abort.signal.aborted) break;
    say(`${head}: cluster up, closed and open model ${matrix.repeats ?? 3} times each, verify, down`);
    const record = await runConfiguration(c, {
      ...bench.where,
      arrival: rate.arrival,
      fixArrival: (closed, probe) => rate.fix(closed, probe),
      scenario: bench.scenario,
      settings: bench.settings,
      observability: bench.observability,
      keepMetricsIn: join(
        out,
        'prometheus',
        baselineSession && baselineSession > 1 ? `session-${baselineSession}` : '',
      ),
      say,
      signal: abort.signal,
    });
    if (baselineSession) record.baseline_session = baselineSession;
    (baselineSession && baselineSession > 1 ? baselineRepeats : runs).push(record);
    say(`${head}: ${outcome(record)}`);
    // The report is rewritten after every configuration: an interrupted bench still leaves one.
    await writeReport(out, results());
  }
  process.off('SIGINT', onSigint);
  const first =
    steps.configurations[0] &&
    configurationTopology(steps.configurations[0], { ...bench.where, observability: bench.observability });
  if (first && isMachines(first)) await clearBundles(first);
  const charts = await writeReport(out, results());
  say(`report: ${join(out, 'index.html')}`);
  for (const c of charts) say(`  chart: ${join(out, 'charts', `${c.name}.svg`)} (.png)`);
  return runs;
}

function outcome(record: RunRecord): string {
  const t = record.load?.totals;
  const saturation = median((record.closed ?? []).map((r) => r.totals.rps));
  return record.status === 'ok'
    ? `saturation ${saturation} req/s; at ${record.arrival_per_s} sessions/s mean ${t!.mean_ms} ms, p99 ${t!.p99_ms} ms, errors ${t!.errors}`
    : `FAILED at ${record.failed_at}: ${record.note}`;
}

type Bench = Awaited<ReturnType<typeof prepareBench>>;

/** The matrix and its plan, the clusters' settings, placement and observability, what is installed, the machine. */
async function prepareBench(o: BenchOptions) {
  const { say } = o;
  const matrix = await loadMatrix(o.matrix ?? join(MATRICES_DIR, o.quick ? 'quick.yaml' : 'default.yaml'));
  const steps = plan(matrix);
  const scenario: Scenario = await loadScenario(matrix.load.scenario);
  // Sessions log in only as customers the bench seeded.
  scenario.customers.count = Math.min(scenario.customers.count, matrix.seed.customers);
  const startedAt = new Date();
  const out = resolve(o.out ?? join('reports', stamp(startedAt)));
  // Every cluster of the bench gets the same admin password, so admin sessions can log in.
  const configured = loadClusterSettings();
  const settings: ClusterSettings = loadClusterSettings(undefined, {
    adminPassword: configured.adminPassword ?? randomBytes(12).toString('base64url'),
  });
  // What any configuration needs is installed first, so the report can name every version.
  const machines = o.inventory
    ? await readBenchInventory(o.inventory, o.acceptNewHostKeys ?? false)
    : undefined;
  const { placement, reason }: { placement: BenchPlacement; reason: string } = machines
    ? { placement: 'machines', reason: machinesReason(machines) }
    : await choosePlacement(matrix.placement ?? 'auto');
  const where = {
    matrix,
    workDir: resolve(o.workDir),
    basePort: o.basePort,
    placement,
    ...(machines ? { machines } : {}),
  };
  // Prometheus and the exporters run in every configuration when they can be had: the report's
  // "where the time goes" is read from them.
  const observability =
    matrix.observability ??
    (machines ? (machines.inventory.groups.monitoring?.length ?? 0) > 0 : undefined) ??
    (await observabilityAvailable(
      configurationTopology(steps.configurations[0]!, { ...where, observability: true }),
      settings,
      say,
    ));
  const topologies = steps.configurations.map((c) => configurationTopology(c, { ...where, observability }));
  // On machines, each configuration's `up` installs what its machines lack.
  const used = KINDS.filter((k) => topologies.some((t) => k.count(t) > 0));
  if (!machines)
    await installMissing(
      used.flatMap((k) => k.requirements(settings)),
      say,
    );
  const machine = await describeMachine();
  const clientCapacity =
    placement === 'hosts'
      ? await clientCeiling(matrix, o)
      : placement === 'machines'
        ? await clientCeilingOnMachine(matrix, topologies[0]!, o)
        : undefined;
  return {
    matrix,
    steps,
    scenario,
    startedAt,
    out,
    settings,
    placement,
    reason,
    where,
    observability,
    machine,
    clientCapacity,
    say,
  };
}

/**
 * The client's ceiling under the quota its hosts get, so the report can say how far each
 * configuration's saturation was from it. Its network is named after a port of its own.
 */
async function clientCeiling(matrix: Matrix, o: BenchOptions) {
  const capacity = await measureClientCapacity({
    users: matrix.load.users,
    durationMs: 10_000,
    hostsBasePort: o.basePort + 900,
  });
  o.say(
    `load client capacity on a client host of ${capacity.client?.cores} core: ${capacity.rps} req/s per worker (instant stub store)`,
  );
  return capacity;
}

/** The load client's ceiling on the first load machine, against a stub store on this machine. */
async function clientCeilingOnMachine(matrix: Matrix, topology: Topology, o: BenchOptions) {
  const capacity = await measureClientCapacity({
    users: matrix.load.users,
    durationMs: 10_000,
    machines: topology,
  });
  o.say(
    `load client capacity on ${capacity.where}: ${capacity.rps} req/s per worker (instant stub store on this machine)`,
  );
  return capacity;
}

/**
 * One open rate for every configuration: fixed by the matrix, or a share of the baseline's
 * saturation (the baseline runs first).
 */
class OpenRate {
  arrival: number | undefined;
  readonly share: number;
  readonly rule: string;

  constructor(
    matrix: Matrix,
    private readonly say: (line: string) => void,
  ) {
    this.share = matrix.load.open_share ?? 0.6;
    this.arrival = matrix.load.arrival;
    this.rule =
      this.arrival !== undefined
        ? `${this.arrival} sessions/s, fixed by the matrix`
        : `${Math.round(this.share * 100)} % of the baseline's saturation throughput (closed model, median)`;
  }

  /**
   * The rate that gives `share` of the baseline's saturation in requests per second: a trial
   * open run at a first guess measures the requests a session makes at that load.
   */
  async fix(closed: LoadResult[], probe: (trial: number) => Promise<LoadResult>): Promise<number> {
    const { share } = this;
    const saturation = median(closed.map((r) => r.totals.rps));
    const guess = Math.max(0.2, Math.round(share * median(closed.map(sessionRate)) * 100) / 100);
    const trial = await probe(guess);
    const perSession = trial.totals.rps / guess;
    const arrival =
      perSession > 0 ? Math.max(0.1, Math.round(((share * saturation) / perSession) * 100) / 100) : guess;
    this.arrival = arrival;
    this.say(
      `  open model: ${arrival} sessions/s for every configuration (${this.rule}: ${saturation} req/s saturation, ` +
        `${Math.round(perSession * 10) / 10} requests per session at ${guess} sessions/s)`,
    );
    return arrival;
  }
}

function benchResults(
  bench: Bench,
  rate: OpenRate,
  runs: RunRecord[],
  baselineRepeats: RunRecord[],
): BenchResults {
  const { matrix, steps } = bench;
  return {
    tool: 'bazaar bench',
    matrix: matrix.name,
    started_at: bench.startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    machine: bench.machine,
    placement: { used: bench.placement, reason: bench.reason },
    load: {
      closed: closedModel(matrix.load),
      open: rate.arrival === undefined ? null : openModel(matrix.load, rate.arrival),
      open_rule: rate.rule,
      repeats: matrix.repeats ?? 3,
      warmup: matrix.load.warmup,
      duration: matrix.load.duration,
      workers: matrix.load.workers,
      scenario: matrix.load.scenario,
      seed: matrix.load.seed,
    },
    baseline: steps.baseline,
    groups: steps.groups,
    runs,
    baseline_repeats: baselineRepeats,
    comparison_method: comparisonMethod(baselineSessions(matrix)),
    changes: changesAgainstBaseline(steps, runs, baselineRepeats),
    scalability: scalabilityModels(steps.groups, runs, baselineRepeats),
    ...(bench.clientCapacity ? { client_capacity: bench.clientCapacity } : {}),
  };
}
