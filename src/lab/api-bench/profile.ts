import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ApiBenchSettings } from '../../config/lab-settings.js';
import { freshBenchDatabase } from './bench-database.js';
import { prepareFixtures } from './fixtures.js';
import { startApi } from './instances.js';
import { measure, type Load } from './measure.js';
import { scenarios, UNCACHED } from './scenarios.js';
import { StatementStats, type StatementCost } from './statements.js';
import { summariseProfile, type CpuProfile, type Cost, type ProfileSummary } from './cpu-profile.js';

const OUT_DIR = resolve('reports/profiles');

interface OperationProfile {
  operation: string;
  rps: number;
  server_cpu_us: number;
  database_cpu_us: number;
  profile: ProfileSummary;
  statements: StatementCost[];
}

/**
 * `npm run bench:profile`: each operation on an API instance of its own run under `--cpu-prof`,
 * PostgreSQL with pg_stat_statements. For each: CPU per request on both sides, the API's sampled
 * time by area and function over the measured seconds only, and the statements that took the
 * server's time. The .cpuprofile files open as flame graphs in Chrome DevTools or speedscope.
 * Req/s here are under the profiler: read them as relative, never as the bench's figures.
 */
export async function profileOperations(
  settings: ApiBenchSettings,
  load: Load,
  say: (line: string) => void,
): Promise<void> {
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const database = await freshBenchDatabase(settings.stateDir, {
    shared_preload_libraries: 'pg_stat_statements',
  });
  const stats = await StatementStats.open(database.url);
  const results: OperationProfile[] = [];
  try {
    const seeder = await startApi('profile-seed', database.url, settings.baseEnv, {
      BAZAAR_SEED_ON_START: 'on',
    });
    const fixtures = await prepareFixtures(seeder.url, load.connections).finally(() => seeder.stop());
    const requests = scenarios(fixtures);
    const runs = [
      ...Object.entries(requests).map(([operation, request]) => ({ operation, request, env: {} })),
      ...UNCACHED.map((operation) => ({
        operation: `${operation} (no cache)`,
        request: requests[operation]!,
        env: { BAZAAR_PRODUCT_CACHE_TTL: '0' },
      })),
    ];
    for (const run of runs) {
      say(`profiling ${run.operation}`);
      results.push(await profileOne(run, { settings, load, database, stats }));
    }
  } finally {
    await stats.close();
    await database.stop();
  }
  const text = results.map(describe).join('\n');
  await writeFile(join(OUT_DIR, 'summary.md'), `# Where each operation's time goes\n\n${text}`);
  await writeFile(join(OUT_DIR, 'summary.json'), JSON.stringify(results, null, 2));
  process.stdout.write(`\n${text}\n`);
  say(`profiles (.cpuprofile: Chrome DevTools or speedscope) and summary.md in ${OUT_DIR}`);
}

interface ProfileRun {
  operation: string;
  request: Parameters<typeof measure>[2];
  env: Record<string, string>;
}

interface ProfileContext {
  settings: ApiBenchSettings;
  load: Load;
  database: Awaited<ReturnType<typeof freshBenchDatabase>>;
  stats: StatementStats;
}

/** One operation on an API instance of its own under the profiler, its measured seconds located. */
async function profileOne(
  { operation, request, env }: ProfileRun,
  { settings, load, database, stats }: ProfileContext,
): Promise<OperationProfile> {
  const dir = join(OUT_DIR, operation.replace(/\W+/g, '-'));
  const api = await startApi(`profile-${operation}`, database.url, settings.baseEnv, {
    BAZAAR_PRODUCT_CACHE_TTL: '5s',
    ...env,
    NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
  });
  let figure;
  try {
    figure = await measure(
      operation,
      api.url,
      request,
      load,
      {
        serverPid: api.pid,
        databasePid: database.pid,
      },
      () => stats.reset(),
    );
  } finally {
    await api.stop();
  }
  const stoppedAt = Date.now();
  const statements = await stats.top();
  const file = join(
    dir,
    (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'))!,
  );
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  // The profile ends as the process exits, right before stop() returned: the measured seconds
  // are located backwards from there.
  const spanUs = profile.endTime - profile.startTime;
  const fromUs = spanUs - (stoppedAt - figure.begun_at) * 1000;
  const toUs = spanUs - (stoppedAt - figure.ended_at) * 1000;
  await rename(file, `${dir}.cpuprofile`);
  await rm(dir, { recursive: true, force: true });
  return {
    operation,
    rps: figure.rps,
    server_cpu_us: figure.server_cpu_us,
    database_cpu_us: figure.database_cpu_us,
    profile: summariseProfile(profile, fromUs, toUs),
    statements,
  };
}

const percent = (c: Cost) => `${(c.share * 100).toFixed(1)} %`;

function describe(p: OperationProfile): string {
  const rows = (costs: Cost[], limit: number) =>
    costs
      .slice(0, limit)
      .map((c) => `| ${c.name.replace(/\|/g, '\\|')} | ${percent(c)} |`)
      .join('\n');
  const statements = p.statements
    .map(
      (s) =>
        `| ${s.query.slice(0, 110).replace(/\|/g, '\\|')} | ${s.calls} | ${s.mean_ms} | ${s.rows_per_call} | ${s.blocks_per_call} |`,
    )
    .join('\n');
  return [
    `## ${p.operation}`,
    '',
    `${p.rps.toFixed(0)} req/s under the profiler; API ${p.server_cpu_us} µs CPU per request, ` +
      `PostgreSQL ${p.database_cpu_us} µs; the API sampled busy ${p.profile.busyMs.toFixed(0)} ms, ` +
      `idle ${p.profile.idleMs.toFixed(0)} ms.`,
    '',
    '| API self time by area | share |',
    '|---|---|',
    rows(p.profile.areas, 10),
    '',
    '| API self time by function | share |',
    '|---|---|',
    rows(p.profile.functions, 10),
    '',
    '| statement (pg_stat_statements) | calls | mean ms | rows/call | blocks/call |',
    '|---|---|---|---|---|',
    statements,
    '',
  ].join('\n');
}
