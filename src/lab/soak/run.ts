import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { hostPlacementChecks } from '../../cluster/host-checks.js';
import { bounded } from '../../cli/cluster-options.js';
import { childEnv } from '../../config/child-env.js';
import { parseDuration } from '../../platform/duration.js';

// `npm run soak`: a long seeded nemesis (ADR 21) on a cluster of its own, through the same
// commands a person runs (`cluster up`, `cluster nemesis`, `cluster down`), figures printed.

const BIN = fileURLToPath(new URL('../../../bin/bazaar.js', import.meta.url));

/** Runs `bazaar ...args`, its output passed through; resolves with its exit code. */
function bazaar(args: string[], env?: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'inherit', env: childEnv(env) });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function hostsPossible(): Promise<boolean> {
  const checks = await hostPlacementChecks();
  return ['root', 'network namespaces', 'cgroup cpu quota'].every(
    (what) => checks.find((c) => c.name === `host placement: ${what}`)?.found,
  );
}

const program = new Command('soak')
  .description('A long seeded nemesis with the history checker on a cluster of its own')
  .option('--duration <d>', 'how long faults keep coming', '15m')
  .option('--seed <n>', 'the schedule (default: random, printed)', bounded('--seed', [0, 2 ** 31 - 1]))
  .addOption(
    new Option('--pg-mode <mode>', 'replication').choices(['native', 'streaming']).default('streaming'),
  )
  .option('--no-kafka', 'order events inside the API instead of through Kafka and notifiers')
  .option('--base-port <port>', 'the cluster ports', bounded('--base-port', [1024, 60000]), 36000)
  .parse();

const o = program.opts();
const seed = (o.seed as number | undefined) ?? Math.floor(Math.random() * 2 ** 31);
const hosts = await hostsPossible();
const dir = await mkdtemp(join(tmpdir(), 'bazaar-soak-'));
const topology = [
  ...['--pg-mode', o.pgMode, '--pg', '2', '--pgpool', hosts ? '3' : '2', '--api', '2', '--nginx', '2'],
  ...['--redis', '3', ...(o.kafka ? ['--kafka', '3', '--notifiers', '2'] : [])],
  ...(hosts ? ['--placement', 'hosts'] : []),
];
process.stderr.write(
  `soak: ${o.pgMode} replication, ${hosts ? 'simulated hosts (kills and partitions)' : 'loopback (kills only)'}, seed ${seed}, ${o.duration}\n`,
);
// Unpaid orders outlive the soak: the checker reads the orders, their notifications and the stock
// one after another once the faults stop, and an expiry sweep between those reads (the default
// 10 minutes) changes what it reads; the expiry has tests of its own.
const orderTtl = `${Math.ceil(parseDuration(o.duration) / 60_000) + 120}m`;
let code = await bazaar(
  [
    'cluster',
    'up',
    ...topology,
    '--no-observability',
    '--seed-products',
    '1000',
    '--base-port',
    String(o.basePort),
    '--dir',
    dir,
  ],
  { BAZAAR_ORDER_TTL: orderTtl },
);
if (code === 0) {
  code = await bazaar([
    'cluster',
    'nemesis',
    '--seed',
    String(seed),
    '--duration',
    o.duration,
    '--faults',
    hosts ? 'kill,partition' : 'kill',
    '--dir',
    dir,
  ]);
  await bazaar(['cluster', 'down', '--dir', dir]);
}
process.stderr.write(
  `soak: ${code === 0 ? 'no anomaly' : 'FAILED'} (seed ${seed}; logs in ${dir}/nemesis.log)\n`,
);
if (code === 0) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
process.exitCode = code;
