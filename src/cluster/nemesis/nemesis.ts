import type { Cluster } from '../cluster.js';
import { hasOwnAddresses } from '../addresses.js';
import { choose, planFaults, type FaultKind, type PlannedFault } from './schedule.js';
import { candidatesOf, slotsOf } from './victims.js';

export interface NemesisOptions {
  seed: number;
  durationMs: number;
  faults: readonly FaultKind[];
  /** Components down at once at most: one lane of faults each. */
  maxDown: number;
  /** Where the Kafka jars are (the quorum tool names the controllers' leader). */
  cacheDir: string;
  /** Every step, as it happens (the command prints it and keeps it in nemesis.log). */
  onEvent(event: NemesisEvent): void;
  downMs?: readonly [number, number];
  gapMs?: readonly [number, number];
}

/** One step of the nemesis: a fault applied, its victim back, the cluster whole again. */
export interface NemesisEvent {
  /** Seconds since the nemesis began. */
  t: number;
  at: string;
  lane: number;
  fault: FaultKind;
  slot: string;
  victim?: string;
  phase: 'down' | 'back' | 'settled' | 'skipped' | 'failed';
  detail?: string;
}

/** A fault as it went: when its victim went down, came back and the cluster settled (epoch ms). */
export interface AppliedFault {
  fault: FaultKind;
  slot: string;
  victim: string;
  downAt: number;
  backAt: number;
  settledAt?: number;
  error?: string;
}

const SETTLE_MS = 120_000;
const STAYS_WHOLE_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Random faults over every component of the running cluster (victims chosen by slot: the
 * primary, a standby, the relay's lease holder, any nginx...), one lane per component allowed
 * down at once: in each lane a fault, a random while down, the victim brought back, the cluster
 * waited for until every component is up again (and every backend attached), a random gap, the
 * next. The same seed gives the same schedule.
 */
export async function runNemesis(cluster: Cluster, o: NemesisOptions): Promise<AppliedFault[]> {
  const t = cluster.topology;
  if (o.faults.includes('partition') && !hasOwnAddresses(t))
    throw new Error(
      'partitions need servers with addresses of their own (`cluster up --placement hosts` or `--inventory`); use --faults kill',
    );
  const started = Date.now();
  const applied: AppliedFault[] = [];
  const down = new Set<string>();
  const lane = async (n: number) => {
    const plan = planFaults({
      seed: o.seed * 31 + n,
      faults: o.faults,
      slots: slotsOf(t),
      count: 1000,
      downMs: o.downMs ?? [2_000, 8_000],
      gapMs: o.gapMs ?? [1_000, 4_000],
    });
    for (const planned of plan) {
      if (Date.now() - started >= o.durationMs) return;
      const event = (phase: NemesisEvent['phase'], victim?: string, detail?: string) =>
        o.onEvent({
          t: Math.round((Date.now() - started) / 100) / 10,
          at: new Date().toISOString(),
          lane: n,
          fault: planned.fault,
          slot: planned.slot,
          phase,
          ...(victim ? { victim } : {}),
          ...(detail ? { detail } : {}),
        });
      const outcome = await applyFault(cluster, planned, down, o.cacheDir, event);
      if (outcome) applied.push(outcome);
      await sleep(planned.gapMs);
    }
  };
  await Promise.all(Array.from({ length: o.maxDown }, (_, n) => lane(n)));
  return applied;
}

/** One planned fault: its victim resolved now, taken down, brought back, the cluster settled. */
async function applyFault(
  cluster: Cluster,
  planned: PlannedFault,
  down: Set<string>,
  cacheDir: string,
  event: (phase: NemesisEvent['phase'], victim?: string, detail?: string) => void,
): Promise<AppliedFault | undefined> {
  const status = await cluster.status();
  const candidates = (
    await candidatesOf(planned.slot, { topology: cluster.topology, status, cacheDir })
  ).filter((c) => !down.has(c.name));
  const victim = choose(candidates, planned.pick)?.name;
  if (!victim) {
    event('skipped', undefined, 'no component fills the slot now');
    return undefined;
  }
  down.add(victim);
  const applied: AppliedFault = { ...planned, victim, downAt: 0, backAt: 0 };
  try {
    if (planned.fault === 'kill') await cluster.kill(victim);
    else await cluster.partition(victim);
    // From here the victim is gone (its process dead, or its link down).
    applied.downAt = Date.now();
    event('down', victim, `${(planned.downMs / 1000).toFixed(1)} s`);
    await sleep(planned.downMs);
    applied.backAt = Date.now();
    if (planned.fault === 'kill') await cluster.start(victim);
    else await cluster.heal(victim);
    event('back', victim);
    await settled(cluster);
    applied.settledAt = Date.now();
    event('settled', victim, `${((applied.settledAt - applied.downAt) / 1000).toFixed(1)} s after the fault`);
  } catch (error) {
    applied.error = (error as Error).message;
    event('failed', victim, applied.error);
  } finally {
    down.delete(victim);
  }
  return applied;
}

/**
 * Every component up and every PostgreSQL backend attached again, and still so 2 s later (a
 * backend attached and then detached again at once counts against this fault, not the next one),
 * within SETTLE_MS.
 */
async function settled(cluster: Cluster): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  let missing: string[] = [];
  let wholeSince: number | undefined;
  while (Date.now() < deadline) {
    const status = await cluster.status();
    missing = status.components
      .filter((c) => c.state !== 'up' || c.attached === false)
      .map((c) => (c.state !== 'up' ? `${c.name} down` : `${c.name} detached`));
    if (missing.length > 0) wholeSince = undefined;
    else if (wholeSince === undefined) wholeSince = Date.now();
    else if (Date.now() - wholeSince >= STAYS_WHOLE_MS) return;
    await sleep(1000);
  }
  throw new Error(`the cluster did not settle within ${SETTLE_MS / 1000} s: ${missing.join(', ')}`);
}
