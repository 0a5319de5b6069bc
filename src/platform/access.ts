import { forbidden } from './errors.js';
import { isAdmin, type Principal } from './principal.js';

// The two rules every domain's authorization is made of. Each service applies them (routes only
// authenticate), so what a caller may do is read in one place: the domain's service.

/** Only an admin; `what` says what was refused. */
export function requireAdmin(caller: Principal, what: string): void {
  if (!isAdmin(caller)) throw forbidden(`Only an admin may ${what}`);
}

/** The owner of the resource, or an admin. */
export function requireOwnerOrAdmin(caller: Principal, ownerId: string): void {
  if (caller.id !== ownerId && !isAdmin(caller)) throw forbidden();
}
