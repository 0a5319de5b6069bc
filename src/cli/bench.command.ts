import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DESCRIPTIONS } from './command-descriptions.js';
import { loadClusterSettings } from '../config/cluster-settings.js';
import { MATRICES_DIR, loadMatrix, plan } from '../lab/bench/matrix.js';
import {
  closedModel,
  configurationTopology,
  median,
  openModel,
  runConfiguration,
  sessionRate,
  type RunRecord,
} from '../lab/bench/runner.js';
import { choosePlacement } from '../lab/bench/placement.js';
import { observabilityAvailable } from '../cluster/observability-default.js';
import { measureClientCapacity } from '../lab/load/capacity.js';
import type { LoadResult } from '../lab/load/summary.js';
import { KINDS } from '../cluster/registry.js';
import { installMissing } from '../cluster/requirements.js';
import { loadScenario } from '../lab/load/scenario.js';
import { changesAgainstBaseline, type BenchResults } from '../lab/report/bench-results.js';
import { describeMachine } from '../lab/report/machine.js';
import { writeReport } from '../lab/report/write-report.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024 || n > 60000) throw new InvalidArgumentError('a port in 1024..60000');
  return n;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');

export function benchCommand(): Command {
  return new Command('bench')
    .description(DESCRIPTIONS.bench)
    .option('--matrix <file>', 'matrix file, JSON or YAML (default lab/matrices/default.yaml)')
    .option('--out <dir>', 'report folder (default reports/<timestamp>)')
    .option('--quick', 'the small matrix (lab/matrices/quick.yaml), for tests')
    .option('--base-port <port>', 'ports of the bench clusters derive from it', port, 21000)
    .option('--work-dir <dir>', 'where the bench clusters live while they run', '.bazaar/bench')
    .action(async (o) => {
      const matrixFile = o.matrix ?? join(MATRICES_DIR, o.quick ? 'quick.yaml' : 'default.yaml');
      const matrix = await loadMatrix(matrixFile);
      const steps = plan(matrix);
      const scenario = await loadScenario(matrix.load.scenario);
      // Sessions log in only as customers the bench seeded.
      scenario.customers.count = Math.min(scenario.customers.count, matrix.seed.customers);
      const startedAt = new Date();
      const out = resolve(o.out ?? join('reports', stamp(startedAt)));
      // Every cluster of the bench gets the same admin password, so admin sessions can log in.
      const configured = loadClusterSettings();
      const settings = loadClusterSettings(undefined, {
        adminPassword: configured.adminPassword ?? randomBytes(12).toString('base64url'),
      });
      // What any configuration needs is installed first, so the report can name every version.
      const { placement, reason } = await choosePlacement(matrix.placement ?? 'auto');
      const where = { matrix, workDir: resolve(o.workDir), basePort: o.basePort, placement };
      // Prometheus and the exporters run in every configuration when they can be had: the report's
      // "where the time goes" is read from them.
      const observability =
        matrix.observability ??
        (await observabilityAvailable(
          configurationTopology(steps.configurations[0]!, { ...where, observability: true }),
          settings,
          say,
        ));
      const topologies = steps.configurations.map((c) =>
        configurationTopology(c, { ...where, observability }),
      );
      const used = KINDS.filter((k) => topologies.some((t) => k.count(t) > 0));
      await installMissing(
        used.flatMap((k) => k.requirements(settings)),
        say,
      );
      const machine = await describeMachine();
      // The client's ceiling under the quota its hosts get, so the report can say how far each
      // configuration's saturation was from it. Its network is named after a port of its own.
      const clientCapacity =
        placement === 'hosts'
          ? await measureClientCapacity({
              users: matrix.load.users,
              durationMs: 10_000,
              hostsBasePort: o.basePort + 900,
            })
          : undefined;
      if (clientCapacity)
        say(
          `load client capacity on a client host of ${clientCapacity.client?.cores} core: ${clientCapacity.rps} req/s per worker (instant stub store)`,
        );
      const abort = new AbortController();
      const onSigint = () => {
        say('stopping after this configuration (its cluster goes down; the report covers what ran)');
        abort.abort();
      };
      process.on('SIGINT', onSigint);
      const runs: RunRecord[] = [];
      // One open rate for every configuration: fixed by the matrix, or a share of the baseline's
      // saturation (the baseline runs first).
      const share = matrix.load.open_share ?? 0.6;
      let arrival = matrix.load.arrival;
      const openRule =
        arrival !== undefined
          ? `${arrival} sessions/s, fixed by the matrix`
          : `${Math.round(share * 100)} % of the baseline's saturation throughput (closed model, median)`;
      // The rate that gives `share` of the baseline's saturation in requests per second: a trial
      // open run at a first guess measures the requests a session makes at that load.
      const fixArrival = async (
        closed: LoadResult[],
        probe: (trial: number) => Promise<LoadResult>,
      ): Promise<number> => {
        const saturation = median(closed.map((r) => r.totals.rps));
        const guess = Math.max(0.2, Math.round(share * median(closed.map(sessionRate)) * 100) / 100);
        const trial = await probe(guess);
        const perSession = trial.totals.rps / guess;
        arrival =
          perSession > 0 ? Math.max(0.1, Math.round(((share * saturation) / perSession) * 100) / 100) : guess;
        say(
          `  open model: ${arrival} sessions/s for every configuration (${openRule}: ${saturation} req/s saturation, ` +
            `${Math.round(perSession * 10) / 10} requests per session at ${guess} sessions/s)`,
        );
        return arrival;
      };
      const results = (): BenchResults => ({
        tool: 'bazaar bench',
        matrix: matrix.name,
        started_at: startedAt.toISOString(),
        finished_at: new Date().toISOString(),
        machine,
        placement: { used: placement, reason },
        load: {
          closed: closedModel(matrix.load),
          open: arrival === undefined ? null : openModel(matrix.load, arrival),
          open_rule: openRule,
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
        changes: changesAgainstBaseline(steps, runs),
        ...(clientCapacity ? { client_capacity: clientCapacity } : {}),
      });
      say(
        `bench "${matrix.name}": ${steps.configurations.length} configurations, ${reason}, report in ${out}`,
      );
      for (const [i, c] of steps.configurations.entries()) {
        const head = `[${i + 1}/${steps.configurations.length}] ${c.id}`;
        if (abort.signal.aborted) break;
        say(`${head}: cluster up, closed and open model ${matrix.repeats ?? 3} times each, verify, down`);
        const record = await runConfiguration(c, {
          matrix,
          placement,
          arrival,
          fixArrival,
          scenario,
          settings,
          workDir: resolve(o.workDir),
          basePort: o.basePort,
          observability,
          keepMetricsIn: join(out, 'prometheus'),
          say,
          signal: abort.signal,
        });
        runs.push(record);
        const t = record.load?.totals;
        const saturation = median((record.closed ?? []).map((r) => r.totals.rps));
        say(
          record.status === 'ok'
            ? `${head}: saturation ${saturation} req/s; at ${record.arrival_per_s} sessions/s mean ${t!.mean_ms} ms, p99 ${t!.p99_ms} ms, errors ${t!.errors}`
            : `${head}: FAILED at ${record.failed_at}: ${record.note}`,
        );
        // The report is rewritten after every configuration: an interrupted bench still leaves one.
        await writeReport(out, results());
      }
      process.off('SIGINT', onSigint);
      const charts = await writeReport(out, results());
      say(`report: ${join(out, 'index.html')}`);
      for (const c of charts) say(`  chart: ${join(out, 'charts', `${c.name}.svg`)} (.png)`);
      if (!runs.some((r) => r.status === 'ok')) {
        say('no configuration completed');
        process.exitCode = 1;
      }
    });
}
