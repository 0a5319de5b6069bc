import { BearerAuth, problems, IdParams } from '../../platform/http/common.schemas.js';
import type { Authenticate } from '../../platform/http/principal.js';
import type { HttpServer } from '../../platform/http/server.js';
import type { OrdersService } from './orders.service.js';
import type { PlaceOrder } from './place-order.use-case.js';
import {
  CreateOrderBody,
  IdempotencyHeaders,
  OrderListQuery,
  OrderPage,
  OrderSchema,
  PatchOrderBody,
  UserOrdersParams,
} from './orders.schemas.js';

type OrderRouteDeps = { orders: OrdersService; placeOrder: PlaceOrder; authenticate: Authenticate };

const common = { tags: ['orders'], security: BearerAuth };

export function registerOrderRoutes(app: HttpServer, deps: OrderRouteDeps): void {
  app.addSchema(OrderSchema);
  registerCheckout(app, deps);
  registerOrderReads(app, deps);
  registerOrderChanges(app, deps);
}

function registerCheckout(app: HttpServer, { placeOrder, authenticate }: OrderRouteDeps): void {
  app.post(
    '/api/v1/orders',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'Check out: the given items, or the caller’s cart (emptied on success)',
        description:
          'Stock for every line is reserved atomically, all or nothing. The same Idempotency-Key with the same ' +
          'body returns the same order (201, Idempotent-Replayed: true) from any instance; with another body, 409. ' +
          'Repeated product ids are merged into one line. 409 names the short product ids (first 8 hex digits). ' +
          'Without items, an empty cart is 409 (a conflict with the cart’s state; the request is well formed). The key ' +
          'is the ordering user’s own: another user’s key neither replays their order nor conflicts with it.',
        headers: IdempotencyHeaders,
        body: CreateOrderBody,
        response: { 201: { $ref: 'Order' }, ...problems(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const result = await placeOrder.execute(
        request.principal!,
        request.headers['idempotency-key'],
        request.body ?? {},
      );
      if (result.replayed) reply.header('Idempotent-Replayed', 'true');
      return reply.code(201).header('Location', `/api/v1/orders/${result.order.id}`).send(result.order);
    },
  );
}

function registerOrderReads(app: HttpServer, { orders, authenticate }: OrderRouteDeps): void {
  app.get(
    '/api/v1/orders/:id',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'An order (owner or admin)',
        params: IdParams,
        response: { 200: { $ref: 'Order' }, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => orders.get(request.principal!, request.params.id),
  );

  app.get(
    '/api/v1/users/:userId/orders',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'A user’s orders, newest first (owner or admin)',
        params: UserOrdersParams,
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { status, limit, page } = request.query;
      const result = await orders.listForUser(request.principal!, request.params.userId, status, limit, page);
      return { ...result, page, limit };
    },
  );
}

/** Status and address changes, and deletion of finished orders. */
function registerOrderChanges(app: HttpServer, { orders, authenticate }: OrderRouteDeps): void {
  app.patch(
    '/api/v1/orders/:id',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'Pay, cancel, ship, deliver, or change the address',
        description:
          'pending_payment -> paid | cancelled (owner or admin); paid -> shipped | cancelled, shipped -> delivered ' +
          '(admin). A transition the graph forbids is 409; one the role forbids is 403. Paying an expired order is ' +
          '409. The address may change while pending_payment or paid. Cancelling releases the stock exactly once.',
        params: IdParams,
        body: PatchOrderBody,
        response: { 200: { $ref: 'Order' }, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => orders.update(request.principal!, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/orders/:id',
    {
      preHandler: authenticate,
      schema: {
        ...common,
        summary: 'Delete a cancelled or delivered order (admin); 409 while still active',
        params: IdParams,
        response: { 204: { type: 'null' }, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await orders.delete(request.principal!, request.params.id);
      return reply.code(204).send();
    },
  );
}
