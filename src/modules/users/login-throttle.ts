/**
 * Where attempts are counted (failed logins; registrations): shared by every instance, so the
 * limits hold behind a balancer.
 */
export interface LoginFailureStore {
  /** Failures for `key` at or after `since`: how many, and when the oldest of them was. */
  failuresSince(key: string, since: Date): Promise<{ count: number; oldest: Date | null }>;
  recordFailure(key: string, at: Date): Promise<void>;
  clear(key: string): Promise<void>;
}

/**
 * The throttling rule: after `maxFailures` failed logins for one key (email and client address)
 * within `windowMs`, further attempts are refused until the oldest of them leaves the window.
 */
export class LoginThrottle {
  constructor(
    private readonly store: LoginFailureStore,
    private readonly maxFailures = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  async retryAfterSeconds(key: string, now: Date): Promise<number> {
    const { count, oldest } = await this.store.failuresSince(key, new Date(now.getTime() - this.windowMs));
    return waitSeconds(count, oldest, now, this.maxFailures, this.windowMs);
  }

  recordFailure(key: string, now: Date): Promise<void> {
    return this.store.recordFailure(key, now);
  }

  recordSuccess(key: string): Promise<void> {
    return this.store.clear(key);
  }
}

/** Pure rule, kept apart for testing: how long to wait given the failures in the window. */
export function waitSeconds(
  count: number,
  oldest: Date | null,
  now: Date,
  maxFailures: number,
  windowMs: number,
): number {
  if (count < maxFailures || !oldest) return 0;
  return Math.max(1, Math.ceil((oldest.getTime() + windowMs - now.getTime()) / 1000));
}
