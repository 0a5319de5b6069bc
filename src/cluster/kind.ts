import type { ClusterSettings } from '../config/cluster-settings.js';
import type { Address, Topology } from './layout.js';
import type { Requirement } from './requirements.js';
import { declarePlacement, type HostPlan, type PortPlan } from './placement-plan.js';
import type { AlertRule, KindPanel } from './monitoring.js';

/** What every stage and server kind may use while the cluster runs: the topology and its state. */
export interface KindContext {
  readonly topology: Topology;
  readonly settings: ClusterSettings;
  /** The shared auth secret and admin password every API instance (and the seeder) is given. */
  readonly secrets: { readonly secret: string; readonly adminPassword: string };
  /** Pids recorded by `start`, by component name (`redis:0`). */
  readonly pids: Readonly<Record<string, number>>;
  /** Components stopped on purpose (`cluster stop`), by name. */
  readonly stopped: ReadonlySet<string>;
  /** The environment an application process (API instance, seeder) gets: every kind's share. */
  appEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  say(line: string): void;
  /** A progress line with the time since `up` began. */
  step(line: string): void;
  /** Every server kind of the registry, in start order (Prometheus scrapes what they expose). */
  readonly kinds: readonly ServerKind[];
  /** Starts instance i of a kind and records its pid; an error names the component and its log. */
  startInstance(kind: ServerKind, i: number): Promise<void>;
}

/** A step of `up` that is not a server of its own (seeding the stores). */
export interface Stage {
  readonly name: string;
  /** Stages and kinds that must be up first (absent ones, with no instances, count as done). */
  readonly dependsOn: readonly string[];
  /** Brings every instance up when the cluster starts. */
  up(ctx: KindContext): Promise<void>;
}

/** The part of `cluster verify` one kind answers for. */
export interface VerifyPart {
  /** Key in `verify --json` (`backends`, `redis`). */
  readonly key: string;
  readonly details: unknown;
  /** Said when every part agrees: "2 PostgreSQL backends". */
  readonly summary: string;
  readonly differences: string[];
}

/** A command-line flag of `cluster up` that sets how many instances of the kind run. */
export interface CountOption {
  readonly flag: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
  /** Absent: `follows` decides from the other counts. */
  readonly default?: number;
  /** The count when the flag is not given, from the other kinds' counts (notifiers follow Kafka). */
  follows?(counts: Readonly<Record<string, number>>): number;
  /** A value in range that is still refused, with why (e.g. --cassandra 2), given every count. */
  refuse?(n: number, counts: Readonly<Record<string, number>>): string | undefined;
}

/** The option's name without dashes, as commander keys it and a bench matrix writes it (`pg`). */
export function optionName(option: CountOption): string {
  return option.flag
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Each counted kind's instances, from values by option name (flags, a matrix's knobs): a value
 * given, else what the kind follows, else its default.
 */
export function countsFrom(
  kinds: readonly ServerKind[],
  values: Readonly<Record<string, unknown>>,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of kinds) {
    const option = kind.countOption;
    const value = option && values[optionName(option)];
    if (typeof value === 'number') counts[kind.name] = value;
    else if (option?.default !== undefined && !option.follows) counts[kind.name] = option.default;
  }
  for (const kind of kinds) {
    const option = kind.countOption;
    if (option?.follows && counts[kind.name] === undefined) counts[kind.name] = option.follows(counts);
  }
  return counts;
}

/** Why these counts cannot run (a value a kind refuses), or undefined. */
export function refusedCounts(
  kinds: readonly ServerKind[],
  counts: Readonly<Record<string, number>>,
): string | undefined {
  for (const kind of kinds) {
    const refused = kind.countOption?.refuse?.(counts[kind.name] ?? 0, counts);
    if (refused) return refused;
  }
  return undefined;
}

/**
 * One kind of server in the topology: how many, where it listens, what it needs installed, how
 * an instance starts, is stopped or crashed, what it gives the API instances, how it is verified.
 * The orchestrator (cluster.ts) walks the registry and knows no kind by name.
 */
export interface ServerKind extends Stage {
  /** Readable name for progress lines ("pgpool-II"). */
  readonly title: string;
  readonly countOption?: CountOption;
  count(t: Topology): number;
  /** How many instances may run, for a kind without a count option (default 1). */
  readonly maxInstances?: number;
  /** The ports it listens on, by name (placement-plan.ts: offsets on loopback, standard on a host). */
  readonly ports: Readonly<Record<string, PortPlan>>;
  /** Its simulated host in host placement (absent for a kind that runs beside `sidecarOf`). */
  readonly host?: HostPlan;
  /**
   * The inventory group whose machines run it in machine placement (absent: the group named after
   * the kind; a sidecar runs on its server's machine).
   */
  readonly machineGroup?: string;
  /** On loopback, instance i's own address (absent: 127.0.0.1). */
  loopbackHost?(i: number): string;
  /** Where instance i listens (status, readiness, other kinds' configuration). */
  address(t: Topology, i: number): { host: string; port: number };
  /** Software that must be present before `up` (installed on first use). */
  requirements(settings: ClusterSettings): Requirement[];
  /** Starts instance i and returns the pid to record; resolves once it answers. */
  start(ctx: KindContext, i: number): Promise<number>;
  /** The live pid of instance i, when the kind knows better than the recorded one. */
  pid?(ctx: KindContext, i: number): Promise<number | undefined>;
  /** A crash of instance i; default SIGKILL to its process group. */
  crash?(ctx: KindContext, i: number): Promise<void>;
  /** A graceful stop; default `stopSignal` to the group, SIGKILL after `stopGraceMs`. */
  stop?(ctx: KindContext, i: number): Promise<void>;
  readonly stopSignal?: NodeJS.Signals;
  /** Its log's name in its folder, for `cluster logs` (absent: `<kind>.log`). */
  readonly logFile?: string;
  readonly stopGraceMs?: number;
  /** Brings a stopped or crashed instance back (default: start it again). */
  restart?(ctx: KindContext, i: number): Promise<void>;
  /** After a partition of its host is healed: what the instance needs to rejoin (a re-sync). */
  healed?(ctx: KindContext, i: number): Promise<void>;
  /**
   * The instance may have decided alone while cut off, and must not act on it once the link is
   * back: it is stopped before the link comes up and started afresh after (a pgpool-II that
   * quarantined every backend it could no longer see).
   */
  readonly restartOnHeal?: boolean;
  /**
   * Instance i runs beside instance i of this other kind, on its host (an exporter beside its
   * server): no host of its own in host placement.
   */
  readonly sidecarOf?: string;
  /** Its instances are the cluster's entrypoints (nginx): what clients and the load lab reach. */
  readonly entrypoint?: boolean;
  /** Where Prometheus scrapes each instance, at its address (absent: not scraped directly). */
  readonly metricsPath?: string;
  /** Alert rules about it, for this topology (observability.ts gathers every kind's). */
  alertRules?(t: Topology): AlertRule[];
  /** Panels of its figures, each on a dashboard (dashboards.ts gathers every kind's). */
  readonly panels?: readonly KindPanel[];
  /** Where its metrics are served when not at its address (a JVM's exporter agent). */
  metricsAddress?(t: Topology, i: number): Address;
  /**
   * A component was started or stopped on purpose (`cluster start|stop`): what this kind keeps of
   * the others is brought up to date (Prometheus's scrape targets). `stopped` names every
   * component stopped on purpose; a crashed one (`kill`) is not among them: it is missed.
   */
  componentsChanged?(ctx: KindContext, stopped: ReadonlySet<string>): Promise<void>;
  /** Settings this kind gives each API instance and the seeder (DATABASE_URL, CART_STORE...). */
  appEnv?(t: Topology): Record<string, string>;
  verify?(ctx: KindContext): Promise<VerifyPart>;
  /** Each instance's role in the cluster as the cluster sees it (a backend's, by pgpool-II). */
  roles?(ctx: KindContext): Promise<Array<{ role: string; attached: boolean } | undefined>>;
}

/**
 * A server kind, its placement declared as the module defining it loads: a new kind is its own
 * module and one line of the registry, with no table elsewhere to extend.
 */
export function defineKind(kind: ServerKind): ServerKind {
  declarePlacement({
    name: kind.name,
    maxInstances: kind.countOption?.max ?? kind.maxInstances ?? 1,
    ports: kind.ports,
    ...(kind.host ? { host: kind.host } : {}),
    ...(kind.sidecarOf ? { sidecarOf: kind.sidecarOf } : {}),
    ...(kind.loopbackHost ? { loopbackHost: kind.loopbackHost } : {}),
  });
  return kind;
}

export function isServerKind(stage: Stage): stage is ServerKind {
  return 'count' in stage;
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Starts instance 0 first, then the others together (a primary, a seed node). */
export async function startFirstThenRest(ctx: KindContext, kind: ServerKind): Promise<void> {
  const n = kind.count(ctx.topology);
  if (n === 0) return;
  await ctx.startInstance(kind, 0);
  await Promise.all(
    range(n)
      .slice(1)
      .map((i) => ctx.startInstance(kind, i)),
  );
}

/** Starts every instance together. */
export async function startAll(ctx: KindContext, kind: ServerKind): Promise<void> {
  await Promise.all(range(kind.count(ctx.topology)).map((i) => ctx.startInstance(kind, i)));
}
