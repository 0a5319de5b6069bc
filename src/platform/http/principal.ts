import type { FastifyRequest } from 'fastify';

export type Role = 'customer' | 'admin';

/** Who is calling: set by the authentication hook, read by the services' authorization rules. */
export interface Principal {
  id: string;
  role: Role;
}

export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A preHandler that sets `request.principal` or fails with 401. */
export type Authenticate = (request: FastifyRequest) => Promise<void>;
