import { loadLoadSettings } from '../config/lab-settings.js';
import { at, hostPort, type Topology } from '../cluster/layout.js';
import { withClientHosts } from '../lab/load/client-hosts.js';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DESCRIPTIONS } from './command-descriptions.js';
import { isAlive } from '../platform/processes.js';
import { loadState } from '../cluster/state.js';
import { runLoad } from '../lab/load/coordinator.js';
import type { LoadModel } from '../lab/load/models.js';
import { loadScenario } from '../lab/load/scenario.js';
import type { LoadResult } from '../lab/load/summary.js';
import { parseDuration } from '../platform/duration.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

function positive(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max)
      throw new InvalidArgumentError(`${name} must be in (0, ${max}]`);
    return n;
  };
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}`);
    return n;
  };
}

function duration(name: string) {
  return (value: string): number => {
    try {
      return parseDuration(value);
    } catch (error) {
      throw new InvalidArgumentError(`${name}: ${(error as Error).message}`);
    }
  };
}

function urls(value: string): string[] {
  const list = value
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of list) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new InvalidArgumentError(`not a URL: ${u}`);
    }
    if (parsed.protocol !== 'http:') throw new InvalidArgumentError(`only http:// targets: ${u}`);
  }
  if (list.length === 0) throw new InvalidArgumentError('no targets given');
  return list;
}

/** The running cluster's nginx entrypoints and admin password, when there is a running cluster. */
async function runningCluster(
  dir: string,
): Promise<{ targets: string[]; adminPassword: string; topology: Topology } | null> {
  const state = await loadState(dir);
  if (!state) return null;
  const t = state.topology;
  const nginx = Array.from({ length: t.nginx }, (_, i) => i).filter((i) => isAlive(state.pids[`nginx:${i}`]));
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

export function loadCommand(): Command {
  return (
    new Command('load')
      .description(DESCRIPTIONS.load)
      .option(
        '--targets <urls>',
        'comma-separated base URLs (default: the running cluster’s nginx, else http://127.0.0.1:8080)',
        urls,
      )
      .addOption(
        new Option('--users <n>', 'closed model: concurrent shopaholics')
          .argParser(integer('--users', 1, 100_000))
          .conflicts('arrival'),
      )
      .addOption(
        new Option('--arrival <rate>', 'open model: new sessions per second').argParser(
          positive('--arrival', 100_000),
        ),
      )
      .option(
        '--max-sessions <n>',
        'open model: cap of concurrent sessions',
        integer('--max-sessions', 1, 100_000),
        1000,
      )
      // Defaults shown as people write durations (60s), not as the milliseconds they parse to.
      .addOption(
        new Option('--duration <d>', 'measured time')
          .argParser(duration('--duration'))
          .default(60_000, '60s'),
      )
      .addOption(
        new Option('--warmup <d>', 'time before measuring')
          .argParser(duration('--warmup'))
          .default(10_000, '10s'),
      )
      .addOption(
        new Option('--think <d>', 'pause between a session’s steps')
          .argParser(duration('--think'))
          .default(0, '0ms'),
      )
      .option('--workers <n>', 'load processes', integer('--workers', 1, 64), 1)
      .option('--scenario <name|file>', 'a scenario in lab/scenarios/, or a JSON/YAML file', 'shopaholic')
      .option('--seed <s>', 'seed of the sessions’ choices', integer('--seed', 0, 2 ** 31 - 1), 1)
      .option(
        '--admin-password <p>',
        'for admin sessions (default: the cluster’s, BAZAAR_ADMIN_PASSWORD or .bazaar/admin-password)',
      )
      .option('--dir <dir>', 'cluster folder for default targets', '.bazaar/cluster')
      .option('--out <file>', 'write the results as JSON')
      .action(async (o) => {
        if (o.duration <= 0) throw new InvalidArgumentError('--duration must be more than 0');
        const cluster = o.targets ? null : await runningCluster(o.dir);
        const targets: string[] = o.targets ?? cluster?.targets ?? ['http://127.0.0.1:8080'];
        const settings = loadLoadSettings();
        const adminPassword =
          o.adminPassword ??
          settings.adminPassword ??
          cluster?.adminPassword ??
          (await embeddedAdminPassword(settings.stateDir));
        if (!adminPassword) say('no admin password known: admin sessions are left out of this run');
        const model: LoadModel =
          o.arrival !== undefined
            ? { type: 'open', arrival_per_s: o.arrival, max_sessions: o.maxSessions, think_ms: o.think }
            : { type: 'closed', users: o.users ?? 32, think_ms: o.think };
        const loaded = await loadScenario(o.scenario);
        // A cluster seeded with fewer customers than the scenario names: sessions log in only as
        // customers that exist (the others would be refused, and counted as the store's errors).
        const seeded = cluster?.topology.seedUsers ?? Infinity;
        const scenario =
          seeded < loaded.customers.count
            ? { ...loaded, customers: { ...loaded.customers, count: Math.max(1, seeded) } }
            : loaded;
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
        const { result, client } = await withClientHosts(
          cluster?.topology,
          o.workers,
          (launchWorker, cores) => {
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
          },
        );
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
      })
  );
}

function describe(m: LoadModel): string {
  return m.type === 'closed'
    ? `closed model, ${m.users} users, think ${m.think_ms} ms`
    : `open model, ${m.arrival_per_s} sessions/s (cap ${m.max_sessions}), think ${m.think_ms} ms`;
}
