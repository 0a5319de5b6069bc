import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ClusterSettings } from '../config/cluster-settings.js';
import { portAnswers, waitUntil } from '../platform/processes.js';
import { range, type KindContext, type ServerKind } from './kind.js';
import { componentDir, componentName, isHosts, isMachines, type Topology } from './layout.js';
import { hasOwnAddresses } from './addresses.js';
import { machineOf, type Machine } from './machines/machine-of.js';
import { stopGroupOn } from './machines/daemons.js';
import { clearMachines } from './machines/machine-setup.js';
import { ensureHost, removeHost, removeNetwork } from './hosts.js';
import {
  anyAlive,
  buildPlacement,
  hostLabel,
  PARTITION_NEEDS_HOSTS,
  readyPlacement,
  setInstanceLink,
} from './placement-ops.js';
import { runStages } from './stages.js';
import { KINDS, STAGES } from './registry.js';
import { appEnvOf, resolveComponent, verifyKinds } from './cluster-parts.js';
import { loadState, saveState, stateFile, type ClusterState } from './state.js';
import type { ClusterStatus, ComponentStatus, VerifyResult } from './results.js';

export type { ClusterStatus, ComponentStatus, VerifyResult } from './results.js';

/** The kind whose instances are the cluster's entrypoints (what clients reach). */
const ENTRYPOINT_KIND = KINDS.find((k) => k.entrypoint)!;

/**
 * The replicated topology as local processes: started, inspected, broken and repaired by name.
 * It walks the registry of server kinds and knows none of them by name.
 */
export class Cluster {
  private saving: Promise<void> = Promise.resolve();
  private readonly context: KindContext;

  private constructor(
    private readonly state: ClusterState,
    private readonly settings: ClusterSettings,
    private readonly say: (line: string) => void,
  ) {
    const started = Date.now();
    this.context = {
      topology: state.topology,
      settings,
      secrets: { secret: state.secret, adminPassword: state.adminPassword },
      pids: state.pids,
      get stopped() {
        return new Set(state.stopped ?? []);
      },
      say,
      step: (line) => say(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`),
      appEnv: (extra) => this.appEnv(extra),
      kinds: KINDS,
      startInstance: (kind, i) => this.startInstance(kind, i),
    };
  }

  /** A running cluster from its state file; installs nothing (status, kill, down work offline). */
  static async open(dir: string, settings: ClusterSettings, say: (line: string) => void): Promise<Cluster> {
    const state = await loadState(dir);
    if (!state) throw new Error(`no cluster in ${resolve(dir)}: run \`bazaar cluster up\` first`);
    return new Cluster(state, settings, say);
  }

  static async up(
    topology: Topology,
    settings: ClusterSettings,
    say: (line: string) => void,
  ): Promise<Cluster> {
    const previous = await loadState(topology.dir);
    if (previous && (await anyAlive(previous))) {
      throw new Error(
        `a cluster is already running in ${resolve(topology.dir)}: \`bazaar cluster down\` first`,
      );
    }
    const state: ClusterState = {
      topology: await readyPlacement(topology, KINDS, settings, say),
      secret: settings.authSecret ?? randomBytes(24).toString('base64url'),
      adminPassword: settings.adminPassword ?? randomBytes(12).toString('base64url'),
      pids: {},
      startedAt: new Date().toISOString(),
    };
    const cluster = new Cluster(state, settings, say);
    await saveState(state);
    try {
      await buildPlacement(state.topology, KINDS, settings, cluster.context.step);
      await cluster.runStages();
    } catch (error) {
      say(`cluster up failed: ${(error as Error).message}; stopping what was started`);
      await cluster.down().catch(() => undefined);
      throw error;
    }
    cluster.context.step('up');
    return cluster;
  }

  get topology(): Topology {
    return this.state.topology;
  }

  get adminPassword(): string {
    return this.state.adminPassword;
  }

  private runStages(): Promise<void> {
    return runStages(STAGES, this.context);
  }

  /** What an API instance or the seeder is given: the caller's BAZAAR_* and every kind's share. */
  private appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return appEnvOf(this.state, this.settings, KINDS, extra);
  }

  private save(): Promise<void> {
    // Components start in parallel: their saves are queued, each writing the latest state.
    this.saving = this.saving.then(() => saveState(this.state));
    return this.saving;
  }

  private async startInstance(kind: ServerKind, i: number): Promise<void> {
    let pid: number;
    try {
      if (isHosts(this.topology) && !kind.sidecarOf) await this.ensureHost(kind.name, i);
      pid = await kind.start(this.context, i);
    } catch (error) {
      const where = componentDir(this.topology, kind.name, i);
      // A machine's folder goes with `down`: the log's last lines come with the error instead.
      const tail = isMachines(this.topology)
        ? await this.logs(componentName(kind.name, i), 15).catch(() => '')
        : '';
      throw new Error(
        `${componentName(kind.name, i)} did not come up (${(error as Error).message}); its log is in ${where}${tail ? ` on ${this.machine(kind, i).label}, ending:\n${tail}` : ''}`,
      );
    }
    this.state.pids[componentName(kind.name, i)] = pid;
    await this.save();
  }

  /** The simulated host of an instance, made on its first start and kept (with its data) after. */
  private async ensureHost(kind: string, i: number): Promise<void> {
    this.state.hosts ??= {};
    this.state.hosts[componentName(kind, i)] = await ensureHost(this.topology, kind, i);
  }

  private async pidOf(kind: ServerKind, i: number): Promise<number | undefined> {
    return (await kind.pid?.(this.context, i)) ?? this.state.pids[componentName(kind.name, i)];
  }

  private machine(kind: ServerKind, i: number): Machine {
    return machineOf(this.topology, kind.name, i);
  }

  private async isRunning(kind: ServerKind, i: number): Promise<boolean> {
    return this.machine(kind, i).isAlive(await this.pidOf(kind, i));
  }

  private addressOf(kind: ServerKind, i: number): string {
    const { host, port } = kind.address(this.topology, i);
    return `${host}:${port}`;
  }

  private async answers(kind: ServerKind, i: number): Promise<boolean> {
    const { host, port } = kind.address(this.topology, i);
    return (await this.isRunning(kind, i)) && (await portAnswers(port, host));
  }

  async status(): Promise<ClusterStatus> {
    const components: ComponentStatus[] = [];
    for (const kind of KINDS) {
      const roles = kind.count(this.topology) > 0 ? await kind.roles?.(this.context) : undefined;
      for (const i of range(kind.count(this.topology))) {
        const pid = await this.pidOf(kind, i);
        components.push({
          ...roles?.[i],
          name: componentName(kind.name, i),
          kind: kind.name,
          index: i,
          host: hostLabel(this.topology, kind, i),
          pid: pid ?? null,
          address: this.addressOf(kind, i),
          state: (await this.answers(kind, i)) ? 'up' : 'down',
        });
      }
    }
    const entrypoints = range(ENTRYPOINT_KIND.count(this.topology)).map(
      (i) => `http://${this.addressOf(ENTRYPOINT_KIND, i)}`,
    );
    return { entrypoints, components };
  }

  /** SIGKILL: a crash, with no chance to clean up. */
  async kill(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    if (kind.crash) await kind.crash(this.context, index);
    else {
      const pid = await this.pidOf(kind, index);
      if (pid) await this.machine(kind, index).signal(pid, 'SIGKILL');
    }
    await waitUntil(async () => !(await this.isRunning(kind, index)), 10_000, `${name} gone`);
  }

  /** A graceful stop: the component is meant to be down (its scrape target goes too). */
  async stop(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    // Told first: a scrape target gone before its server goes is not an instance down.
    this.state.stopped = [...new Set([...(this.state.stopped ?? []), name])];
    await this.save();
    await this.componentsChanged();
    await this.stopInstance(kind, index);
  }

  /** Every kind that keeps something of the others (scrape targets) hears of a start or a stop. */
  private async componentsChanged(): Promise<void> {
    for (const kind of KINDS)
      if (kind.componentsChanged && kind.count(this.topology) > 0)
        await kind.componentsChanged(this.context, this.context.stopped);
  }

  private async stopInstance(kind: ServerKind, i: number): Promise<void> {
    if (kind.stop) return kind.stop(this.context, i);
    const pid = await this.pidOf(kind, i);
    await stopGroupOn(this.machine(kind, i), pid, kind.stopSignal ?? 'SIGTERM', kind.stopGraceMs ?? 15_000);
  }

  /** Brings a component back (a PostgreSQL backend is re-synced before pgpool-II uses it again). */
  async start(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    if (await this.answers(kind, index)) throw new Error(`${name} is already running`);
    if (kind.restart) await kind.restart(this.context, index);
    else await this.startInstance(kind, index);
    if (this.state.stopped?.includes(name)) {
      this.state.stopped = this.state.stopped.filter((n) => n !== name);
      await this.save();
      await this.componentsChanged();
    }
  }

  /** Every kind that can compare its copies does: PostgreSQL backends, Redis replicas. */
  verify(): Promise<VerifyResult> {
    return verifyKinds(KINDS, this.context);
  }

  /**
   * Stops everything `up` started, by pid, front to back; leaves logs and data in the folder. On
   * machines it also removes what the cluster put there (its folder, the bundle, any packet filter
   * rule) unless `keepData` (or keeps only the bundle: `keepBundle`, for a bench's next cluster).
   */
  async down(options: { keepData?: boolean; keepBundle?: boolean } = {}): Promise<void> {
    for (const kind of [...KINDS].reverse()) {
      await Promise.all(range(kind.count(this.topology)).map((i) => this.stopInstance(kind, i)));
    }
    const keep = { data: options.keepData, bundle: options.keepBundle };
    if (isMachines(this.topology)) await clearMachines(this.topology, keep);
    if (isHosts(this.topology)) {
      for (const kind of KINDS)
        if (!kind.sidecarOf)
          for (const i of range(kind.count(this.topology))) await removeHost(this.topology, kind.name, i);
      await removeNetwork(this.topology);
    }
    await rm(stateFile(this.topology.dir), { force: true });
  }

  /**
   * Cuts a simulated host's link: its processes keep running, but nobody reaches them and their
   * packets go nowhere (connections hang rather than being refused). `heal` restores it.
   */
  async partition(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    await this.setLink(kind, index, false);
  }

  async heal(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    if (!hasOwnAddresses(this.topology)) throw new Error(PARTITION_NEEDS_HOSTS);
    if (kind.restartOnHeal) await this.stopInstance(kind, index);
    await this.setLink(kind, index, true);
    if (kind.restartOnHeal) await this.startInstance(kind, index);
    await kind.healed?.(this.context, index);
  }

  private setLink(kind: ServerKind, i: number, up: boolean): Promise<void> {
    return setInstanceLink(this.topology, kind, i, up);
  }

  /** The last lines of a component's log, from the machine that runs it. */
  async logs(name: string, lines: number): Promise<string> {
    const { kind, index } = this.resolve(name);
    const machine = this.machine(kind, index);
    const dir = componentDir(this.topology, kind.name, index);
    return machine.tail(`${dir}/${kind.logFile ?? `${kind.name}.log`}`, lines);
  }

  private resolve(name: string): { kind: ServerKind; index: number } {
    return resolveComponent(KINDS, this.topology, name);
  }
}
