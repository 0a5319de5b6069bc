import { BearerAuth, problems } from '../../platform/http/common.schemas.js';
import type { Authenticate } from '../../platform/http/principal.js';
import type { HttpServer } from '../../platform/http/server.js';
import type { CartsService } from './carts.service.js';
import { CartItemParams, CartParams, CartSchema, SetQuantityBody } from './carts.schemas.js';

export function registerCartRoutes(
  app: HttpServer,
  deps: { carts: CartsService; authenticate: Authenticate },
): void {
  const { carts, authenticate } = deps;
  const common = { tags: ['carts'], security: BearerAuth };
  app.addSchema(CartSchema);

  app.get(
    '/api/v1/users/:userId/cart',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'The cart (owner or admin); an empty cart when there is none',
        params: CartParams,
        response: { 200: { $ref: 'Cart' }, ...problems(400, 401, 403) },
      },
    },
    async (request) => carts.get(request.principal!, request.params.userId),
  );

  app.put(
    '/api/v1/users/:userId/cart/items/:productId',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'Set the quantity of one product (idempotent); stock is checked at checkout',
        params: CartItemParams,
        body: SetQuantityBody,
        response: { 200: { $ref: 'Cart' }, ...problems(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) =>
      carts.setQuantity(
        request.principal!,
        request.params.userId,
        request.params.productId,
        request.body.quantity,
      ),
  );

  app.delete(
    '/api/v1/users/:userId/cart/items/:productId',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'Remove one product (absent is not an error)',
        params: CartItemParams,
        response: { 200: { $ref: 'Cart' }, ...problems(400, 401, 403) },
      },
    },
    async (request) => carts.removeItem(request.principal!, request.params.userId, request.params.productId),
  );

  app.delete(
    '/api/v1/users/:userId/cart',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'Empty the cart',
        params: CartParams,
        response: { 204: { type: 'null' }, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await carts.clear(request.principal!, request.params.userId);
      return reply.code(204).send();
    },
  );
}
