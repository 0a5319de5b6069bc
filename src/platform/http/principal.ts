import type { FastifyRequest } from 'fastify';
import type { Principal } from '../principal.js';

export type { Principal, Role } from '../principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A preHandler that sets `request.principal` or fails with 401. */
export type Authenticate = (request: FastifyRequest) => Promise<void>;
