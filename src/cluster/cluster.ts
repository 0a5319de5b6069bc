import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ClusterSettings } from '../config/cluster-settings.js';
import { isAlive, portAnswers, signalGroup, stopGroup, waitUntil } from '../platform/processes.js';
import { range, type KindContext, type ServerKind } from './kind.js';
import { componentDir, componentName, isHosts, type Topology } from './layout.js';
import { createNetwork, ensureHost, hostNames, removeHost, removeNetwork, setLink } from './hosts.js';
import { runStages } from './stages.js';
import { KINDS, kindNamed, STAGES } from './registry.js';
import { installMissing } from './requirements.js';
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
    if (previous && Object.values(previous.pids).some(isAlive)) {
      throw new Error(
        `a cluster is already running in ${resolve(topology.dir)}: \`bazaar cluster down\` first`,
      );
    }
    const used = KINDS.filter((k) => k.count(topology) > 0);
    await installMissing(
      used.flatMap((k) => k.requirements(settings)),
      say,
    );
    const state: ClusterState = {
      topology,
      secret: settings.authSecret ?? randomBytes(24).toString('base64url'),
      adminPassword: settings.adminPassword ?? randomBytes(12).toString('base64url'),
      pids: {},
      startedAt: new Date().toISOString(),
    };
    const cluster = new Cluster(state, settings, say);
    await saveState(state);
    try {
      if (isHosts(topology)) {
        cluster.context.step('simulated hosts: a bridge on 198.18.0.0/15, a namespace and a CPU quota each');
        await createNetwork(topology);
      }
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
    return {
      // The lab's load generator is one client address playing thousands of shoppers, who register
      // as they go: no per-address limit in the lab's cluster unless the caller's shell sets one.
      BAZAAR_REGISTRATIONS_PER_MINUTE: '0',
      ...this.settings.passedEnv,
      LOG_LEVEL: this.settings.appLogLevel,
      BAZAAR_AUTH_SECRET: this.state.secret,
      BAZAAR_ADMIN_PASSWORD: this.state.adminPassword,
      // The cluster is seeded once, by the seed stage; instances never seed on start.
      BAZAAR_SEED_ON_START: 'off',
      ...Object.assign({}, ...KINDS.map((k) => k.appEnv?.(this.topology) ?? {})),
      ...extra,
    };
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
      throw new Error(
        `${componentName(kind.name, i)} did not come up (${(error as Error).message}); its log is in ${where}`,
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

  private pidOf(kind: ServerKind, i: number): number | undefined {
    return kind.pid?.(this.context, i) ?? this.state.pids[componentName(kind.name, i)];
  }

  private addressOf(kind: ServerKind, i: number): string {
    const { host, port } = kind.address(this.topology, i);
    return `${host}:${port}`;
  }

  private async answers(kind: ServerKind, i: number): Promise<boolean> {
    const { host, port } = kind.address(this.topology, i);
    return isAlive(this.pidOf(kind, i)) && (await portAnswers(port, host));
  }

  async status(): Promise<ClusterStatus> {
    const components: ComponentStatus[] = [];
    for (const kind of KINDS) {
      const roles = kind.count(this.topology) > 0 ? await kind.roles?.(this.context) : undefined;
      for (const i of range(kind.count(this.topology))) {
        const pid = this.pidOf(kind, i);
        components.push({
          ...roles?.[i],
          name: componentName(kind.name, i),
          kind: kind.name,
          index: i,
          host: isHosts(this.topology)
            ? hostNames(this.topology, kind.sidecarOf ?? kind.name, i).namespace
            : 'loopback',
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
    if (kind.crash) kind.crash(this.context, index);
    else {
      const pid = this.pidOf(kind, index);
      if (pid) signalGroup(pid, 'SIGKILL');
    }
    await waitUntil(() => !isAlive(this.pidOf(kind, index)), 10_000, `${name} gone`);
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
    await stopGroup(this.pidOf(kind, i), kind.stopSignal ?? 'SIGTERM', kind.stopGraceMs ?? 15_000);
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
  async verify(): Promise<VerifyResult> {
    const result: VerifyResult = { ok: true, differences: [], summaries: [] };
    for (const kind of KINDS) {
      if (!kind.verify || kind.count(this.topology) === 0) continue;
      const part = await kind.verify(this.context);
      result[part.key] = part.details;
      result.summaries.push(part.summary);
      result.differences.push(...part.differences);
    }
    result.ok = result.differences.length === 0;
    return result;
  }

  /** Stops everything `up` started, by pid, front to back; leaves logs and data in the folder. */
  async down(): Promise<void> {
    for (const kind of [...KINDS].reverse()) {
      await Promise.all(range(kind.count(this.topology)).map((i) => this.stopInstance(kind, i)));
    }
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
    if (!isHosts(this.topology))
      throw new Error('partition needs host placement (`cluster up --placement hosts`)');
    await setLink(this.topology, kind.name, index, false);
  }

  async heal(name: string): Promise<void> {
    const { kind, index } = this.resolve(name);
    if (!isHosts(this.topology))
      throw new Error('heal needs host placement (`cluster up --placement hosts`)');
    if (kind.restartOnHeal) await this.stopInstance(kind, index);
    await setLink(this.topology, kind.name, index, true);
    if (kind.restartOnHeal) await this.startInstance(kind, index);
    await kind.healed?.(this.context, index);
  }

  private resolve(name: string): { kind: ServerKind; index: number } {
    const [kindName, indexText] = name.split(':');
    const kind = kindName === undefined ? undefined : kindNamed(kindName);
    const index = Number(indexText);
    if (!kind || !/^\d+$/.test(indexText ?? '') || index >= kind.count(this.topology)) {
      const names = KINDS.filter((k) => k.count(this.topology) > 0).map((k) => `${k.name}:0`);
      throw new Error(`no component "${name}"; names look like ${names.join(', ')}`);
    }
    return { kind, index };
  }
}
