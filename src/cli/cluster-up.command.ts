import { Command, Option } from 'commander';
import { Cluster } from '../cluster/cluster.js';
import type { PgMode, Topology } from '../cluster/layout.js';
import { readFile } from 'node:fs/promises';
import { countsFrom, optionName, refusedCounts } from '../cluster/kind.js';
import { parseInventory } from '../cluster/inventory.js';
import { knownGroups, machinePlanOf } from '../cluster/inventory-plan.js';
import { KINDS } from '../cluster/registry.js';
import { hasQdisc } from '../cluster/host-checks.js';
import { loadClusterSettings } from '../config/cluster-settings.js';
import { DEFAULT_TRACE_SAMPLE } from '../config/tracing-settings.js';
import { observabilityAvailable } from '../cluster/observability-default.js';
import { bounded, hostCpu, linkDelay, linkRate, ratio } from './cluster-options.js';
import { printStatus } from './cluster-print.js';

const say = (line: string) => process.stderr.write(`${line}\n`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander's parsed options, read by name
type UpOptions = Record<string, any>;

/** `cluster up`: its options, then the topology they describe, refused when the host cannot run it. */
export function upCommand(dirOption: () => Option): Command {
  const up = new Command('up').description(
    'Start PostgreSQL backends, pgpool-II, Redis with Sentinel (--redis), Cassandra (--cassandra), Kafka and notifiers (--kafka), API instances and nginx, and print the table',
  );
  // The tiers every cluster has first (at least one instance), then the optional kinds.
  const counted = KINDS.flatMap((k) => (k.countOption ? [k.countOption] : []));
  for (const o of counted.sort((a, b) => Math.min(b.min, 1) - Math.min(a.min, 1)))
    up.option(o.flag, o.description, bounded(o.flag.split(' ')[0]!, [o.min, o.max]), o.default);
  addModeOption(up);
  addPlacementOptions(up);
  addObservabilityOptions(up);
  up.option('--base-port <port>', 'every port derives from it', bounded('--base-port', [1024, 60000]), 20000)
    .option('--seed-products <n>', 'catalog size', bounded('--seed-products', [0, 1_000_000]), 10_000)
    .option('--seed-users <n>', 'demo customers', bounded('--seed-users', [0, 100_000]), 1_000)
    .addOption(dirOption())
    .action((o: UpOptions, command: Command) => clusterUp(o, givenCounts(command)));
  return up;
}

/** The counts given on the command line (an inventory's group sizes stand for the others). */
function givenCounts(command: Command): Record<string, number> {
  const given: Record<string, number> = {};
  for (const kind of KINDS) {
    const name = kind.countOption && optionName(kind.countOption);
    if (name && command.getOptionValueSource(name) === 'cli')
      given[kind.name] = command.opts()[name] as number;
  }
  return given;
}

/** How pgpool-II replicates. */
function addModeOption(up: Command): void {
  up.addOption(
    new Option('--pg-mode <mode>', 'pgpool-II clustering mode')
      .choices(['native', 'streaming'])
      .default('native'),
  );
}

function addPlacementOptions(up: Command): void {
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
    '--inventory <file>',
    'machines of an Ansible-style YAML inventory, reached over SSH: groups named after the kinds (postgres, pgpool, api, nginx, redis, monitoring, load...) say which machine runs what; a count flag takes the first machines of its group',
  );
  up.option(
    '--accept-new-host-keys',
    "inventory: on first contact, record a machine's SSH host key in known_hosts (default: only machines already known)",
  );
  up.option(
    '--link-delay <ms>',
    "host placement: every link's one-way delay in ms (needs the netem qdisc)",
    linkDelay,
  );
}

function addObservabilityOptions(up: Command): void {
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
}

/** The topology `cluster up`'s options describe (nothing checked yet). */
export function topologyOf(o: UpOptions): Topology {
  return {
    counts: countsFrom(KINDS, o),
    mode: o.pgMode as PgMode,
    basePort: o.basePort,
    dir: o.dir,
    seedProducts: o.seedProducts,
    seedUsers: o.seedUsers,
    observability: o.observability,
    traceSample: o.traceSample,
    ...(o.otlpEndpoint ? { otlpEndpoint: o.otlpEndpoint } : {}),
    placement: o.placement,
    ...(o.hostCpu ? { hostCpu: o.hostCpu } : {}),
    ...(o.linkRate ? { linkRate: o.linkRate } : {}),
    ...(o.linkDelay !== undefined ? { linkDelayMs: o.linkDelay } : {}),
  };
}

/** The topology of `--inventory`: its groups' machines, counts from them and the flags given. */
async function inventoryTopology(o: UpOptions, given: Record<string, number>): Promise<Topology> {
  const source = String(o.inventory);
  const text = await readFile(source, 'utf8').catch((error: Error) => {
    throw new Error(`cannot read the inventory ${source}: ${error.message}`);
  });
  const inventory = parseInventory(text, knownGroups(KINDS), source);
  const { counts: _, placement: __, ...options } = topologyOf(o);
  // Monitoring runs when the inventory has machines for it, unless asked otherwise.
  const base = {
    ...options,
    observability: o.observability ?? (inventory.groups.monitoring?.length ?? 0) > 0,
  };
  const plan = machinePlanOf(inventory, KINDS, given, base, {
    hostKeys: o.acceptNewHostKeys ? 'accept-new' : 'check',
    source,
  });
  return { ...base, placement: 'machines', counts: plan.counts, machines: plan.machines };
}

/** Throws, saying why, when the options contradict each other or this host cannot run them. */
async function refuseImpossible(o: UpOptions): Promise<void> {
  if (o.inventory && o.placement === 'hosts')
    throw new Error('--inventory places on machines: no --placement hosts');
  if (o.inventory && (o.hostCpu || o.linkRate || o.linkDelay !== undefined))
    throw new Error(
      '--host-cpu, --link-rate and --link-delay shape simulated hosts, not the machines of an inventory',
    );
  if (o.inventory) return;
  const refused = refusedCounts(KINDS, countsFrom(KINDS, o));
  if (refused) throw new Error(refused);
  if ((o.linkRate || o.linkDelay !== undefined) && o.placement !== 'hosts')
    throw new Error('--link-rate and --link-delay need --placement hosts');
  // A shaping the kernel cannot do is refused, never silently left out.
  if (o.linkDelay !== undefined && !(await hasQdisc('netem')))
    throw new Error('--link-delay needs the netem qdisc, which this kernel does not have (`cluster doctor`)');
  if (o.linkRate && !(await hasQdisc('tbf')))
    throw new Error('--link-rate needs the tbf qdisc, which this kernel does not have (`cluster doctor`)');
  if (o.placement === 'hosts' && process.getuid?.() !== 0)
    throw new Error('--placement hosts makes network namespaces and cgroups: run it as root');
  if (o.hostCpu && o.placement !== 'hosts') throw new Error('--host-cpu needs --placement hosts');
}

async function clusterUp(o: UpOptions, given: Record<string, number>): Promise<void> {
  await refuseImpossible(o);
  const topology = o.inventory ? await inventoryTopology(o, given) : topologyOf(o);
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
}
