import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import type { HttpServer } from './http-server.js';
import { sendProblem } from './problem.js';
import { RouteTable } from './route-table.js';

/**
 * What a request no route takes is answered: 405 with Allow when its path is a route's, else 404,
 * both as problem documents; and every other error as its problem. Registered before the routes,
 * so that the table sees each one added.
 */
export function registerUnroutedHandling(app: HttpServer, logger: Logger): void {
  const routes = new RouteTable();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  // No route for the method and path: 405 with Allow when the path exists, else 404.
  const unrouted = (request: FastifyRequest, reply: FastifyReply, methods?: string[]): void => {
    const path = request.url.split('?')[0]!;
    const allowed = methods ?? routes.methodsFor(path);
    if (allowed.length === 0) {
      sendProblem(
        new AppError('not_found', `No route for ${request.method} ${path}`),
        request,
        reply,
        logger,
      );
      return;
    }
    reply.header('Allow', allowed.join(', '));
    const detail = `${path} answers ${allowed.join(', ')}, not ${request.method}`;
    sendProblem(new AppError('method_not_allowed', detail), request, reply, logger);
  };
  // A body that cannot be read on an unrouted request (QUERY without a Content-Type) is still
  // answered as unrouted: which route does not exist matters, not its body.
  // A path parameter refused where the path is another route's own (PATCH /api/v1/users/me, which
  // only /api/v1/users/:id would take) is that route asked with a method it does not have.
  app.setErrorHandler((error, request, reply) => {
    const path = request.url.split('?')[0]!;
    const paramsRefused = (error as { validationContext?: string }).validationContext === 'params';
    if (request.is404 || (paramsRefused && routes.staticMethodsFor(path).length > 0)) {
      unrouted(request, reply, paramsRefused ? routes.staticMethodsFor(path) : undefined);
    } else sendProblem(error, request, reply, logger);
  });
  app.setNotFoundHandler((request, reply) => unrouted(request, reply));
}
