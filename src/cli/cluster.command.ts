import { Command, Option } from 'commander';
import { loadState } from '../cluster/state.js';
import { latestAlerts } from '../cluster/alert-receiver.js';
import { receivedAlerts } from '../cluster/kinds/receiver.kind.js';
import { Cluster } from '../cluster/cluster.js';
import { KINDS } from '../cluster/registry.js';
import { distinct } from '../cluster/requirements.js';
import { hostPlacementChecks } from '../cluster/host-checks.js';
import { loadClusterSettings } from '../config/cluster-settings.js';
import { nemesisCommand } from './nemesis.command.js';
import { DESCRIPTIONS } from './command-descriptions.js';
import { upCommand } from './cluster-up.command.js';
import { printStatus } from './cluster-print.js';
import { bounded } from './cluster-options.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description(DESCRIPTIONS.cluster);
  const dirOption = () =>
    new Option('--dir <dir>', 'state, configs, data and logs').default('.bazaar/cluster');
  cluster.addCommand(upCommand(dirOption));
  for (const add of [addStatus, addFaults, addVerify, addAlerts, addLogs]) add(cluster, dirOption);
  cluster.addCommand(nemesisCommand(dirOption));
  addDown(cluster, dirOption);
  addDoctor(cluster);
  return cluster;
}

function addStatus(cluster: Command, dirOption: () => Option): void {
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
}

/** kill, stop, start, partition and heal: one component by name. */
function addFaults(cluster: Command, dirOption: () => Option): void {
  for (const [verb, description] of [
    ['kill', 'Crash a component (SIGKILL)'],
    ['stop', 'Stop a component gracefully'],
    ['start', 'Bring a component back (a PostgreSQL backend is re-synced first)'],
    [
      'partition',
      "Cut a component's host off (a simulated host's link; on machines, a packet filter on the machine that spares SSH): it keeps running, nobody reaches it",
    ],
    ['heal', "Restore the host's link (or remove the machine's packet filter)"],
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
}

function addVerify(cluster: Command, dirOption: () => Option): void {
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
}

function addAlerts(cluster: Command, dirOption: () => Option): void {
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
      const alerts = latestAlerts(await receivedAlerts(state.topology));
      if (o.json) process.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
      else if (alerts.length === 0) process.stdout.write('no alerts\n');
      else
        for (const a of alerts)
          process.stdout.write(
            `${a.status.padEnd(8)} ${a.alertname.padEnd(22)} ${(a.component || '-').padEnd(12)} since ${a.starts_at}${a.status === 'resolved' ? ` until ${a.ends_at}` : ''}  ${a.summary}\n`,
          );
    });
}

function addLogs(cluster: Command, dirOption: () => Option): void {
  cluster
    .command('logs <name>')
    .description("The last lines of a component's log, fetched from the machine that runs it")
    .option('--lines <n>', 'how many', bounded('--lines', [1, 100_000]), 50)
    .addOption(dirOption())
    .action(async (name: string, o) => {
      const c = await Cluster.open(o.dir, loadClusterSettings(), say);
      process.stdout.write(await c.logs(name, o.lines));
    });
}

function addDown(cluster: Command, dirOption: () => Option): void {
  cluster
    .command('down')
    .description(
      'Stop everything the cluster started, by pid; on inventory machines also remove what it put there (folders, bundle, packet filters)',
    )
    .option(
      '--keep-data',
      "inventory machines: keep the cluster's folders and the bundle (a later up reuses the bundle)",
    )
    .addOption(dirOption())
    .action(async (o) => {
      await (await Cluster.open(o.dir, loadClusterSettings(), say)).down({ keepData: o.keepData === true });
      say('cluster down');
    });
}

function addDoctor(cluster: Command): void {
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
}
