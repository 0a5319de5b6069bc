import { createSigner, createVerifier } from 'fast-jwt';

export interface TokenClaims {
  sub: string;
  role: string;
  /** The user's credentials version when the token was issued (a password change revokes it). */
  ver: number;
}

/**
 * Bearer tokens are HS256 JWTs signed with a secret shared by every instance, so any instance can
 * check a token another issued. Revocation (a deleted user) is checked against the store per request.
 */
export class TokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verify: (token: string) => Record<string, unknown>;

  constructor(
    secret: string,
    readonly ttlSeconds = 3600,
  ) {
    this.sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: ttlSeconds * 1000 });
    this.verify = createVerifier({ key: secret, algorithms: ['HS256'], cache: 10_000 });
  }

  issue(claims: TokenClaims): string {
    return this.sign({ sub: claims.sub, role: claims.role, ver: claims.ver });
  }

  /** Returns null for a malformed, forged or expired token. */
  check(token: string): TokenClaims | null {
    try {
      const payload = this.verify(token);
      const { sub, role, ver } = payload;
      if (typeof sub !== 'string' || typeof role !== 'string' || !Number.isInteger(ver)) return null;
      return { sub, role, ver: ver as number };
    } catch {
      return null;
    }
  }
}
