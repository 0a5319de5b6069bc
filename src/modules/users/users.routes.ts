import { BearerAuth, problems, IdParams } from '../../platform/http/common.schemas.js';
import type { HttpServer } from '../../platform/http/server.js';
import type { Authenticate } from './auth.hook.js';
import type { AuthService } from './auth.service.js';
import type { UsersService } from './users.service.js';
import {
  LoginBody,
  RegisterBody,
  TokenResponse,
  UserListQuery,
  UserPage,
  UserPatchBody,
  UserSchema,
} from './users.schemas.js';

type UserRouteDeps = { users: UsersService; auth: AuthService; authenticate: Authenticate };

const tags = ['users'];

export function registerUserRoutes(app: HttpServer, deps: UserRouteDeps): void {
  app.addSchema(UserSchema);
  registerSignUpRoutes(app, deps);
  registerUserReads(app, deps);
  registerUserChanges(app, deps);
}

/** Registration and login: the routes a visitor without a token calls. */
function registerSignUpRoutes(app: HttpServer, { users, auth }: UserRouteDeps): void {
  app.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Register a customer',
        description:
          'Limited per client address (BAZAAR_REGISTRATIONS_PER_MINUTE, 20 by default): 429 with ' +
          'Retry-After beyond it. 409 when the email (case-insensitively) belongs to a live user.',
        body: RegisterBody,
        response: { 201: { $ref: 'User' }, ...problems(400, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => reply.code(201).send(await users.registerCustomer(request.body, request.ip)),
  );

  app.post(
    '/api/v1/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in: exchange email and password for a bearer token',
        body: LoginBody,
        response: { 200: TokenResponse, ...problems(400, 401, 429) },
      },
    },
    async (request) => auth.login(request.body.email, request.body.password, request.ip),
  );
}

function registerUserReads(app: HttpServer, { users, authenticate }: UserRouteDeps): void {
  app.get(
    '/api/v1/users/me',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'The caller',
        response: { 200: { $ref: 'User' }, ...problems(401) },
      },
    },
    async (request) => users.get(request.principal!, request.principal!.id),
  );

  app.get(
    '/api/v1/users',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'List users (admin)',
        querystring: UserListQuery,
        response: { 200: UserPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, page } = request.query;
      return { ...(await users.list(request.principal!, limit, page)), page, limit };
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'A user (owner or admin)',
        params: IdParams,
        response: { 200: { $ref: 'User' }, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => users.get(request.principal!, request.params.id),
  );
}

function registerUserChanges(app: HttpServer, { users, authenticate }: UserRouteDeps): void {
  app.patch(
    '/api/v1/users/:id',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'Change name, email or password (owner or admin); role (admin only)',
        params: IdParams,
        body: UserPatchBody,
        description:
          'Changing the password ends every session opened before (their tokens get 401). An admin ' +
          'changing their own email or password sends current_password (else 403). 409: the email ' +
          'belongs to another live user, or the change would demote the last admin or the configured ' +
          'admin (BAZAAR_ADMIN_EMAIL), whose email and password only its holder changes.',
        response: { 200: { $ref: 'User' }, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => users.update(request.principal!, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/users/:id',
    {
      preHandler: authenticate,
      schema: {
        tags,
        security: BearerAuth,
        summary: 'Delete a user (owner or admin): the cart goes, orders stay',
        description:
          'The token stops working at once. 409 for the last admin (make another admin first) and ' +
          'for the configured admin (BAZAAR_ADMIN_EMAIL), which every start restores.',
        params: IdParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await users.delete(request.principal!, request.params.id);
      return reply.code(204).send();
    },
  );
}
