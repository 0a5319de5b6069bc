import { AppError } from '../../platform/errors.js';
import { waitSeconds, type LoginFailureStore } from './login-throttle.js';

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` registrations from one client address in any minute (0: no limit), counted
 * in the store every instance shares, so the limit holds behind a balancer. Each attempt counts,
 * whether it then succeeds or not: what is limited is the work (a password hash) and the spam.
 */
export class RegistrationThrottle {
  constructor(
    private readonly store: LoginFailureStore,
    private readonly perMinute: number,
  ) {}

  async admit(clientAddress: string, now: Date): Promise<void> {
    if (this.perMinute === 0) return;
    const key = `register|${clientAddress}`;
    const { count, oldest } = await this.store.failuresSince(key, new Date(now.getTime() - WINDOW_MS));
    const wait = waitSeconds(count, oldest, now, this.perMinute, WINDOW_MS);
    if (wait > 0) {
      throw new AppError('too_many_requests', 'Too many registrations from this address; try again later', {
        retryAfterSeconds: wait,
      });
    }
    await this.store.recordFailure(key, now);
  }
}
