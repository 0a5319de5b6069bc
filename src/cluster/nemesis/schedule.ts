import { seededRandom } from '../../seed/random.js';

/** What a fault does to its victim: a crash (SIGKILL), or its host's link cut (host placement). */
export type FaultKind = 'kill' | 'partition';

/**
 * A victim named by what it is, not by which instance it is: `postgres:primary` is whichever
 * backend is the primary when the fault comes, `api:any` one of the API instances. Roles move
 * (a failover promotes another primary), so a slot is resolved when its fault starts.
 */
export type Slot = string;

/** One fault of the schedule, as the seed decides it. */
export interface PlannedFault {
  fault: FaultKind;
  slot: Slot;
  /** In [0, 1): which of the slot's candidates, in name order, when there are several. */
  pick: number;
  /** How long the victim stays down before it is brought back. */
  downMs: number;
  /** How long the cluster runs whole between this fault's recovery and the next fault. */
  gapMs: number;
}

export interface ScheduleOptions {
  seed: number;
  faults: readonly FaultKind[];
  slots: readonly Slot[];
  /** How many faults at most (the runner stops earlier when its duration is over). */
  count: number;
  downMs: readonly [number, number];
  gapMs: readonly [number, number];
}

/**
 * The faults in order: the same seed and the same slots give the same schedule, whatever the
 * cluster's timing does to when each fault starts.
 */
export function planFaults(o: ScheduleOptions): PlannedFault[] {
  if (o.faults.length === 0) throw new Error('no fault kinds to choose from');
  if (o.slots.length === 0) throw new Error('no components to choose from');
  const random = seededRandom(o.seed);
  const between = ([min, max]: readonly [number, number]) => Math.round(min + random() * (max - min));
  return Array.from({ length: o.count }, () => ({
    fault: o.faults[Math.floor(random() * o.faults.length)]!,
    slot: o.slots[Math.floor(random() * o.slots.length)]!,
    pick: random(),
    downMs: between(o.downMs),
    gapMs: between(o.gapMs),
  }));
}

/** The candidate a fault's `pick` chooses among the slot's current ones (sorted by name). */
export function choose<T extends { name: string }>(candidates: readonly T[], pick: number): T | undefined {
  const sorted = [...candidates].sort((a, b) => a.name.localeCompare(b.name));
  return sorted[Math.floor(pick * sorted.length)];
}
