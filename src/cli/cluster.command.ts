import { loadState } from '../cluster/state.js';
import { latestAlerts, readReceivedAlerts } from '../cluster/alert-receiver.js';
import { alertsFile } from '../cluster/kinds/receiver.kind.js';
import { Command, Option } from 'commander';
import { Cluster, type ClusterStatus } from '../cluster/cluster.js';
import { LIMITS, type PgMode, type Topology } from '../cluster/layout.js';
import { KINDS } from '../cluster/registry.js';
import { distinct } from '../cluster/requirements.js';
import { hasQdisc, hostPlacementChecks } from '../cluster/host-checks.js';
import { loadClusterSettings } from '../config/cluster-settings.js';
import { DEFAULT_TRACE_SAMPLE } from '../config/tracing-settings.js';
import { observabilityAvailable } from '../cluster/observability-default.js';
import { bounded, hostCpu, linkDelay, linkRate, ratio } from './cluster-options.js';
import { nemesisCommand } from './nemesis.command.js';
import { DESCRIPTIONS } from './command-descriptions.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

export function printStatus(status: ClusterStatus): void {
  const rows = status.components.map((c) => [
    c.name,
    c.state,
    c.role === undefined ? '-' : `${c.role}${c.attached ? '' : ', detached'}`,
    c.host,
    c.address,
    c.pid === null ? '-' : String(c.pid),
  ]);
  const header = ['component', 'state', 'role', 'host', 'address', 'pid'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(
    `${line(header)}\n${rows.map(line).join('\n')}\n\nentrypoints: ${status.entrypoints.join(' ')}\n`,
  );
}

/** The key commander stores a flag's value under: `--seed-users <n>` -> seedUsers. */
function optionKey(flag: string): string {
  return flag
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description(DESCRIPTIONS.cluster);
  const dirOption = () =>
    new Option('--dir <dir>', 'state, configs, data and logs').default('.bazaar/cluster');

  const up = cluster
    .command('up')
    .description(
      'Start PostgreSQL backends, pgpool-II, Redis with Sentinel (--redis), Cassandra (--cassandra), Kafka and notifiers (--kafka), API instances and nginx, and print the table',
    )
    .option('--pg <n>', 'PostgreSQL backends, 1..5', bounded('--pg', LIMITS.pg), 2)
    .option('--pgpool <n>', 'pgpool-II instances, 1..4', bounded('--pgpool', LIMITS.pgpool), 2)
    .option('--api <n>', 'API instances, 1..8', bounded('--api', LIMITS.api), 2)
    .option('--nginx <n>', 'nginx instances, 1..4', bounded('--nginx', LIMITS.nginx), 2)
    .addOption(
      new Option('--pg-mode <mode>', 'pgpool-II clustering mode')
        .choices(['native', 'streaming'])
        .default('native'),
    );
  up.addOption(
    new Option(
      '--placement <placement>',
      'loopback, or a simulated host per component (network namespace, CPU quota)',
    )
      .choices(['loopback', 'hosts'])
      .default('loopback'),
  );
  up.option(
    '--host-cpu <cores>',
    'host placement: CPU quota per host in cores, for all (0.2) or per kind (api=0.25,postgres=0.3)',
    hostCpu,
  );
  up.option('--link-rate <rate>', "host placement: every link's rate, in tc units (100mbit)", linkRate);
  up.option(
    '--link-delay <ms>',
    "host placement: every link's one-way delay in ms (needs the netem qdisc)",
    linkDelay,
  );
  for (const kind of KINDS) {
    const o = kind.countOption;
    if (o) up.option(o.flag, o.description, bounded(o.flag.split(' ')[0]!, [o.min, o.max]), o.default);
  }
  up.option(
    '--observability',
    'Prometheus, Alertmanager (alerts to a receiver: `cluster alerts`) and the exporters (default: when installed or installable)',
  );
  up.option('--no-observability', 'none of them');
  up.option(
    '--trace-sample <ratio>',
    'share of requests traced, 0..1 (nginx starts the trace; 0: tracing off)',
    ratio,
    DEFAULT_TRACE_SAMPLE,
  );
  up.option(
    '--otlp-endpoint <url>',
    "where the API instances send their spans (an OTLP/HTTP collector's base URL)",
  );
  up.option('--base-port <port>', 'every port derives from it', bounded('--base-port', [1024, 60000]), 20000)
    .option('--seed-products <n>', 'catalog size', bounded('--seed-products', [0, 1_000_000]), 10_000)
    .option('--seed-users <n>', 'demo customers', bounded('--seed-users', [0, 100_000]), 1_000)
    .addOption(dirOption())
    .action(async (o) => {
      for (const kind of KINDS) {
        const refused = kind.countOption?.refuse?.(o[optionKey(kind.countOption.flag)] as number);
        if (refused) throw new Error(refused);
      }
      const topology: Topology = {
        pg: o.pg,
        pgpool: o.pgpool,
        api: o.api,
        nginx: o.nginx,
        mode: o.pgMode as PgMode,
        basePort: o.basePort,
        dir: o.dir,
        seedProducts: o.seedProducts,
        seedUsers: o.seedUsers,
        redis: o.redis,
        cassandra: o.cassandra,
        kafka: o.kafka,
        notifiers: o.notifiers ?? (o.kafka > 0 ? 1 : 0),
        observability: o.observability,
        traceSample: o.traceSample,
        ...(o.otlpEndpoint ? { otlpEndpoint: o.otlpEndpoint } : {}),
        placement: o.placement,
        ...(o.hostCpu ? { hostCpu: o.hostCpu } : {}),
        ...(o.linkRate ? { linkRate: o.linkRate } : {}),
        ...(o.linkDelay !== undefined ? { linkDelayMs: o.linkDelay } : {}),
      };
      if (o.notifiers > 0 && o.kafka === 0)
        throw new Error('--notifiers needs --kafka: without Kafka each API instance delivers its own events');
      if ((o.linkRate || o.linkDelay !== undefined) && o.placement !== 'hosts')
        throw new Error('--link-rate and --link-delay need --placement hosts');
      // A shaping the kernel cannot do is refused, never silently left out.
      if (o.linkDelay !== undefined && !(await hasQdisc('netem')))
        throw new Error(
          '--link-delay needs the netem qdisc, which this kernel does not have (`cluster doctor`)',
        );
      if (o.linkRate && !(await hasQdisc('tbf')))
        throw new Error(
          '--link-rate needs the tbf qdisc, which this kernel does not have (`cluster doctor`)',
        );
      if (o.placement === 'hosts' && process.getuid?.() !== 0)
        throw new Error('--placement hosts makes network namespaces and cgroups: run it as root');
      if (o.hostCpu && o.placement !== 'hosts') throw new Error('--host-cpu needs --placement hosts');
      const started = Date.now();
      const settings = loadClusterSettings();
      topology.observability ??= await observabilityAvailable(topology, settings, say);
      const c = await Cluster.up(topology, settings, say);
      printStatus(await c.status());
      // The password to a person at a terminal; collected output is a log, which never holds one.
      say(
        process.stdout.isTTY
          ? `admin: ${settings.adminEmail}, password ${c.adminPassword} (also in ${o.dir}/cluster.json)`
          : `admin: ${settings.adminEmail}, password in ${o.dir}/cluster.json (adminPassword)`,
      );
      say(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  cluster
    .command('status')
    .description('Each component, its state, address and pid')
    .option('--json', 'machine-readable output')
    .addOption(dirOption())
    .action(async (o) => {
      const status = await (await Cluster.open(o.dir, loadClusterSettings(), say)).status();
      if (o.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      else printStatus(status);
    });

  for (const [verb, description] of [
    ['kill', 'Crash a component (SIGKILL)'],
    ['stop', 'Stop a component gracefully'],
    ['start', 'Bring a component back (a PostgreSQL backend is re-synced first)'],
    ['partition', "Cut a simulated host's link (host placement): it keeps running, nobody reaches it"],
    ['heal', "Restore a simulated host's link"],
  ] as const) {
    cluster
      .command(`${verb} <name>`)
      .description(
        `${description}; names look like postgres:0, pgpool:1, api:0, nginx:1, redis:0, sentinel:2, cassandra:2, kafka:1, notifier:0`,
      )
      .addOption(dirOption())
      .action(async (name: string, o) => {
        const c = await Cluster.open(o.dir, loadClusterSettings(), say);
        const started = Date.now();
        await c[verb](name);
        say(`${verb} ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      });
  }

  cluster
    .command('verify')
    .description(
      'Compare every table across the PostgreSQL backends (row counts and a content checksum), and the Redis replicas with their primary',
    )
    .option('--json', 'machine-readable output')
    .addOption(dirOption())
    .action(async (o) => {
      const result = await (await Cluster.open(o.dir, loadClusterSettings(), say)).verify();
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok) process.stdout.write(`backends agree (${result.summaries.join(', ')})\n`);
      else process.stdout.write(`backends differ:\n  ${result.differences.join('\n  ')}\n`);
      if (!result.ok) process.exitCode = 1;
    });

  cluster
    .command('alerts')
    .description(
      "Alerts Alertmanager sent to the cluster's receiver (`up --observability`): firing first, then resolved",
    )
    .option('--json', 'machine-readable output')
    .addOption(dirOption())
    .action(async (o) => {
      const state = await loadState(o.dir);
      if (!state) throw new Error(`no cluster in ${o.dir}: run \`bazaar cluster up\` first`);
      if (!state.topology.observability)
        throw new Error('this cluster has no Alertmanager: `bazaar cluster up --observability`');
      const alerts = latestAlerts(await readReceivedAlerts(alertsFile(state.topology)));
      if (o.json) process.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
      else if (alerts.length === 0) process.stdout.write('no alerts\n');
      else
        for (const a of alerts)
          process.stdout.write(
            `${a.status.padEnd(8)} ${a.alertname.padEnd(22)} ${(a.component || '-').padEnd(12)} since ${a.starts_at}${a.status === 'resolved' ? ` until ${a.ends_at}` : ''}  ${a.summary}\n`,
          );
    });

  cluster.addCommand(nemesisCommand(dirOption));

  cluster
    .command('down')
    .description('Stop everything the cluster started, by pid')
    .addOption(dirOption())
    .action(async (o) => {
      await (await Cluster.open(o.dir, loadClusterSettings(), say)).down();
      say('cluster down');
    });

  cluster
    .command('doctor')
    .description('What server software is present and what is missing')
    .action(async () => {
      const settings = loadClusterSettings();
      // Software can be installed; a kernel feature cannot: each line says which it is.
      const lines = [
        ...distinct(KINDS.flatMap((k) => k.requirements(settings))).map((r) => ({
          name: r.name,
          found: r.find(),
          otherwise: 'installed by `bazaar cluster up` (as root)',
        })),
        ...(await hostPlacementChecks()),
      ];
      for (const l of lines)
        process.stdout.write(
          l.found ? `ok       ${l.name}  (${l.found})\n` : `missing  ${l.name}  -> ${l.otherwise}\n`,
        );
    });

  return cluster;
}
