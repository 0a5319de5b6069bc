import { AsyncLocalStorage } from 'node:async_hooks';

/** What one request spent waiting on its stores, summed over its calls (parallel ones add up). */
export interface RequestTiming {
  storeSeconds: number;
}

const current = new AsyncLocalStorage<RequestTiming>();

/** Runs the rest of a request (everything `next` leads to) with a fresh timing of its own. */
export function withRequestTiming(timing: RequestTiming, next: () => void): void {
  current.run(timing, next);
}

/** Adds a store call's time to the request it serves (none outside a request: jobs, seeding). */
export function addStoreTime(seconds: number): void {
  const timing = current.getStore();
  if (timing) timing.storeSeconds += seconds;
}
