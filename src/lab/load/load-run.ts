import { readFile, writeFile } from 'node:fs/promises';
import { loadLoadSettings } from '../../config/lab-settings.js';
import { hostPort, type Topology, countOf } from '../../cluster/layout.js';
import { at } from '../../cluster/addresses.js';
import { machineOf } from '../../cluster/machines/machine-of.js';
import { loadState } from '../../cluster/state.js';
// Every kind declares its ports as its module loads: a cluster's nginx is found by name below.
import '../../cluster/registry.js';
import { withClientHosts } from './client-hosts.js';
import { runLoad } from './coordinator.js';
import type { LoadModel } from './models.js';
import { loadScenario, type Scenario } from './scenario.js';
import type { LoadResult } from './summary.js';

/** `bazaar load`'s options, parsed. */
export interface LoadCommandOptions {
  targets?: string[];
  users?: number;
  arrival?: number;
  maxSessions: number;
  duration: number;
  warmup: number;
  think: number;
  workers: number;
  scenario: string;
  seed: number;
  adminPassword?: string;
  dir: string;
  out?: string;
  say: (line: string) => void;
}

type RunningCluster = { targets: string[]; adminPassword: string; topology: Topology };

/** The running cluster's nginx entrypoints and admin password, when there is a running cluster. */
async function runningCluster(dir: string): Promise<RunningCluster | null> {
  const state = await loadState(dir);
  if (!state) return null;
  const t = state.topology;
  const alive = await Promise.all(
    Array.from({ length: countOf(t, 'nginx') }, (_, i) =>
      machineOf(t, 'nginx', i)
        .isAlive(state.pids[`nginx:${i}`])
        .catch(() => false),
    ),
  );
  const nginx = alive.flatMap((up, i) => (up ? [i] : []));
  if (nginx.length === 0) return null;
  return {
    targets: nginx.map((i) => `http://${hostPort(at(t, 'nginx', i))}`),
    adminPassword: state.adminPassword,
    topology: t,
  };
}

async function embeddedAdminPassword(dir: string): Promise<string | undefined> {
  return readFile(`${dir}/admin-password`, 'utf8').then(
    (s) => s.trim(),
    () => undefined,
  );
}

export function printLoadResult(result: LoadResult): void {
  const rows = Object.entries(result.operations).map(([op, s]) => [
    op,
    s.kind,
    String(s.count),
    String(s.errors),
    s.rps.toFixed(1),
    s.mean_ms.toFixed(2),
    s.p50_ms.toFixed(2),
    s.p95_ms.toFixed(2),
    s.p99_ms.toFixed(2),
    s.max_ms.toFixed(1),
  ]);
  const header = ['operation', 'kind', 'count', 'errors', 'req/s', 'mean ms', 'p50', 'p95', 'p99', 'max'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const t = result.totals;
  const s = result.sessions;
  process.stdout.write(
    `${line(header)}\n${rows.map(line).join('\n')}\n\n` +
      `total ${t.count} requests, ${t.errors} errors, ${t.rps} req/s, mean ${t.mean_ms} ms, p99 ${t.p99_ms} ms` +
      ` (reads mean ${result.reads.mean_ms} ms, writes mean ${result.writes.mean_ms} ms)\n` +
      `sessions: ${s.started} started, ${s.completed} completed, ${s.not_started} not started\n`,
  );
}

/**
 * Shopaholics against the targets (default: the running cluster's nginx, else the local store)
 * until the duration ends or Ctrl-C; the table printed, the result written when asked.
 */
export async function runLoadCommand(o: LoadCommandOptions): Promise<void> {
  const { say } = o;
  if (o.duration <= 0) throw new Error('--duration must be more than 0');
  const cluster = o.targets ? null : await runningCluster(o.dir);
  const targets: string[] = o.targets ?? cluster?.targets ?? ['http://127.0.0.1:8080'];
  const adminPassword = await adminPasswordFor(o, cluster);
  if (!adminPassword) say('no admin password known: admin sessions are left out of this run');
  const model: LoadModel =
    o.arrival !== undefined
      ? { type: 'open', arrival_per_s: o.arrival, max_sessions: o.maxSessions, think_ms: o.think }
      : { type: 'closed', users: o.users ?? 32, think_ms: o.think };
  const scenario = fitToSeed(await loadScenario(o.scenario), cluster);
  say(
    `load: ${describe(model)}, ${o.workers} worker(s), scenario ${scenario.name}, targets ${targets.join(' ')}`,
  );
  const abort = new AbortController();
  const onSigint = () => {
    say('stopping: finishing the requests in flight');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  // Against a cluster on simulated hosts, each worker runs on a client host of its own, under
  // its own quota, on the cluster's network: the client is measured like any other host.
  const { result, client } = await withClientHosts(cluster?.topology, o.workers, (launchWorker, cores) => {
    if (cores !== undefined) say(`load: ${o.workers} client host(s), ${cores} cores each`);
    return runLoad({
      targets,
      model,
      scenario,
      warmupMs: o.warmup,
      durationMs: o.duration,
      workers: o.workers,
      seed: o.seed,
      adminPassword,
      progress: say,
      signal: abort.signal,
      ...(launchWorker ? { launchWorker } : {}),
    });
  });
  process.off('SIGINT', onSigint);
  printLoadResult(result);
  if (client)
    say(
      `client hosts: ${client.cores} cores each, quota reached in ${client.throttled_pct} % of CPU periods` +
        (client.throttled_pct > 5 ? ' (the client may have limited the load)' : ''),
    );
  if (o.out) {
    await writeFile(o.out, `${JSON.stringify(result, null, 2)}\n`);
    say(`results written to ${o.out}`);
  }
}

async function adminPasswordFor(
  o: LoadCommandOptions,
  cluster: RunningCluster | null,
): Promise<string | undefined> {
  const settings = loadLoadSettings();
  return (
    o.adminPassword ??
    settings.adminPassword ??
    cluster?.adminPassword ??
    (await embeddedAdminPassword(settings.stateDir))
  );
}

/**
 * A cluster seeded with fewer customers than the scenario names: sessions log in only as
 * customers that exist (the others would be refused, and counted as the store's errors).
 */
function fitToSeed(loaded: Scenario, cluster: RunningCluster | null): Scenario {
  const seeded = cluster?.topology.seedUsers ?? Infinity;
  return seeded < loaded.customers.count
    ? { ...loaded, customers: { ...loaded.customers, count: Math.max(1, seeded) } }
    : loaded;
}

function describe(m: LoadModel): string {
  return m.type === 'closed'
    ? `closed model, ${m.users} users, think ${m.think_ms} ms`
    : `open model, ${m.arrival_per_s} sessions/s (cap ${m.max_sessions}), think ${m.think_ms} ms`;
}
