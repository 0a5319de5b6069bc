/**
 * Failed-login throttling: after `maxFailures` failures for one key within `windowMs`, further
 * attempts are refused until the window has passed. Kept in the instance's memory: an attacker
 * spreading attempts over K instances gets K times the budget, still far from a useful rate.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfterSeconds(key: string): number {
    const entry = this.failures.get(key);
    if (!entry) return 0;
    const elapsed = this.now() - entry.windowStart;
    if (elapsed >= this.windowMs) {
      this.failures.delete(key);
      return 0;
    }
    return entry.count >= this.maxFailures ? Math.ceil((this.windowMs - elapsed) / 1000) : 0;
  }

  recordFailure(key: string): void {
    const now = this.now();
    const entry = this.failures.get(key);
    if (!entry || now - entry.windowStart >= this.windowMs)
      this.failures.set(key, { count: 1, windowStart: now });
    else entry.count++;
    if (this.failures.size > 100_000) this.prune(now);
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.failures)
      if (now - entry.windowStart >= this.windowMs) this.failures.delete(key);
  }
}
