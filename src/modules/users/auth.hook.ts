import type { Authenticate } from '../../platform/http/principal.js';
import type { AuthService } from './auth.service.js';

export type { Authenticate };

/** A preHandler that sets `request.principal` or fails with 401. */
export function createAuthenticate(auth: AuthService): Authenticate {
  return async (request) => {
    request.principal = await auth.authenticate(request.headers.authorization);
  };
}
