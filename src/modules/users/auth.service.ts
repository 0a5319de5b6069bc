import { AppError } from '../../platform/errors.js';
import { verifyPassword } from '../../platform/passwords.js';
import type { TokenService } from '../../platform/tokens.js';
import type { Principal } from '../../platform/principal.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Clock } from '../../platform/clock.js';
import { toUser } from './users.service.js';
import type { User, UserStore } from './users.ports.js';

export interface IssuedToken {
  token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: User;
}

// Compared against when the email is unknown, so a miss costs as much time as a wrong password.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class AuthService {
  constructor(
    private readonly users: UserStore,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  async login(email: string, password: string, clientAddress: string): Promise<IssuedToken> {
    const key = `${email.trim().toLowerCase()}|${clientAddress}`;
    const now = this.clock.now();
    const wait = await this.throttle.retryAfterSeconds(key, now);
    if (wait > 0) {
      throw new AppError('too_many_requests', 'Too many failed login attempts; try again later', {
        retryAfterSeconds: wait,
      });
    }
    const user = await this.users.findByEmail(email.trim());
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) {
      await this.throttle.recordFailure(key, now);
      throw new AppError('invalid_credentials', 'Wrong email or password');
    }
    await this.throttle.recordSuccess(key);
    return {
      token: this.tokens.issue({ sub: user.id, role: user.role, ver: user.credentials_version ?? 1 }),
      token_type: 'Bearer',
      expires_in: this.tokens.ttlSeconds,
      user: toUser(user),
    };
  }

  /**
   * Checks a bearer token and that its user still exists: a deleted user's tokens stop working at
   * once, so do tokens issued before a password change, and a role change applies to tokens
   * already issued.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new AppError('unauthenticated', 'Send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>"');
    const claims = this.tokens.check(match[1]!);
    if (!claims) throw new AppError('unauthenticated', 'The token is invalid or expired');
    const auth = await this.users.findAuth(claims.sub);
    if (!auth) throw new AppError('unauthenticated', 'The token was revoked');
    if (auth.credentialsVersion !== claims.ver) {
      throw new AppError(
        'unauthenticated',
        'The password has changed since this token was issued; log in again',
      );
    }
    return { id: claims.sub, role: auth.role };
  }
}
