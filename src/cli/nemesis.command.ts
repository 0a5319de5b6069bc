import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Cluster } from '../cluster/cluster.js';
import { isHosts } from '../cluster/layout.js';
import { runDrill, type DrillReport } from '../cluster/nemesis/drill.js';
import type { FaultKind } from '../cluster/nemesis/schedule.js';
import { loadClusterSettings } from '../config/cluster-settings.js';
import { parseDuration } from '../platform/duration.js';
import { bounded } from './cluster-options.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

function faultKinds(value: string): FaultKind[] {
  const kinds = value.split(',').map((k) => k.trim());
  for (const k of kinds)
    if (k !== 'kill' && k !== 'partition') throw new InvalidArgumentError('a list of kill, partition');
  return kinds as FaultKind[];
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError('a duration such as 90s or 15m');
  }
}

/** The figures a person reads: a line per fault, then the history's counts and every anomaly. */
export function printDrill(report: DrillReport): void {
  const lines = [`seed ${report.seed}, ${report.faults.length} faults in ${report.durationS} s`];
  for (const f of report.faults) {
    const failed = Object.entries(f.failedByStatus).map(([s, n]) => `${n}×${s}`);
    lines.push(
      `  ${f.fault.padEnd(9)} ${f.victim.padEnd(12)} (${f.slot}) down ${f.downS} s, whole again after ${f.settledS ?? '-'} s; ` +
        `${f.requests} requests, failed ${failed.join(' ') || 'none'}, longest wait ${(f.longestWaitMs / 1000).toFixed(1)} s, ` +
        `writes stopped for at most ${(f.writeGapMs / 1000).toFixed(1)} s`,
    );
  }
  const h = report.history;
  if (h)
    lines.push(
      `history: ${h.requests} requests, ${h.acknowledgedWrites} writes acknowledged, ${h.orders} orders checked, ${h.cartsHoldingALateChange} carts holding a change that got no answer; failed attempts ${JSON.stringify(h.failuresByStatus)}`,
    );
  lines.push(`anomalies: ${report.anomalies.length}`, ...report.anomalies.map((a) => `  ${a}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function nemesisCommand(dirOption: () => Option): Command {
  return new Command('nemesis')
    .description(
      'Random faults over every component of the running cluster (the primary, standbys, pgpool-II, API, nginx, Redis, Sentinel, Cassandra, Kafka, notifiers, the relay lease holder), with traffic whose every acknowledged write is checked afterwards',
    )
    .option('--seed <n>', 'the same seed, the same schedule', bounded('--seed', [0, 2 ** 31 - 1]))
    .addOption(
      new Option('--duration <d>', 'how long faults keep coming (90s, 15m)')
        .argParser(duration)
        .default(60_000, '60s'),
    )
    .option(
      '--faults <kinds>',
      'kill, partition (host placement), or both (default: what the placement allows)',
      faultKinds,
    )
    .option('--max-down <n>', 'components down at once at most', bounded('--max-down', [1, 3]), 1)
    .option('--no-check', 'faults only: no history traffic and no checks')
    .option('--json', 'machine-readable report')
    .addOption(dirOption())
    .action(async (o) => {
      const settings = loadClusterSettings();
      const cluster = await Cluster.open(o.dir, settings, say);
      const seed = (o.seed as number | undefined) ?? Math.floor(Math.random() * 2 ** 31);
      const faults: FaultKind[] = o.faults ?? (isHosts(cluster.topology) ? ['kill', 'partition'] : ['kill']);
      const log = join(o.dir, 'nemesis.log');
      say(`nemesis: seed ${seed}, ${faults.join(' and ')} for ${o.duration / 1000} s; every step in ${log}`);
      const report = await runDrill(cluster, {
        seed,
        durationMs: o.duration,
        faults,
        maxDown: o.maxDown,
        cacheDir: settings.cacheDir,
        check: o.check,
        adminEmail: settings.adminEmail,
        onEvent: (e) => {
          appendFileSync(log, `${JSON.stringify(e)}\n`);
          say(
            `[${e.t.toFixed(1).padStart(6)} s] ${e.phase.padEnd(8)} ${e.fault} ${e.victim ?? e.slot}${e.detail ? `: ${e.detail}` : ''}`,
          );
        },
      });
      if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printDrill(report);
      if (report.anomalies.length > 0) process.exitCode = 1;
    });
}
