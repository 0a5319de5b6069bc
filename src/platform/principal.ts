// Who is calling, as the domain's authorization rules see it: no HTTP here (the HTTP layer sets it
// on each request, platform/http/principal.ts), so a service can be called from a job or a test.

export type Role = 'customer' | 'admin';

/** Who is calling: set by the authentication hook, read by the services' authorization rules. */
export interface Principal {
  id: string;
  role: Role;
}

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}
