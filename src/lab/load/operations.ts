/**
 * Every request the load client makes is one named operation (docs/lab.md). The route is the server's
 * route template, so client counts can be matched with the API's own `/metrics` counters.
 */
export const OPERATIONS = {
  'auth.token': { kind: 'write', method: 'POST', route: '/api/v1/auth/token' },
  'user.register': { kind: 'write', method: 'POST', route: '/api/v1/users' },
  'product.list': { kind: 'read', method: 'GET', route: '/api/v1/products' },
  'product.search': { kind: 'read', method: 'GET', route: '/api/v1/products' },
  'product.get': { kind: 'read', method: 'GET', route: '/api/v1/products/:id' },
  'product.create': { kind: 'write', method: 'POST', route: '/api/v1/products' },
  'product.update': { kind: 'write', method: 'PATCH', route: '/api/v1/products/:id' },
  'cart.get': { kind: 'read', method: 'GET', route: '/api/v1/users/:userId/cart' },
  'cart.put_item': { kind: 'write', method: 'PUT', route: '/api/v1/users/:userId/cart/items/:productId' },
  'cart.remove_item': {
    kind: 'write',
    method: 'DELETE',
    route: '/api/v1/users/:userId/cart/items/:productId',
  },
  'order.create': { kind: 'write', method: 'POST', route: '/api/v1/orders' },
  'order.pay': { kind: 'write', method: 'PATCH', route: '/api/v1/orders/:id' },
  'order.get': { kind: 'read', method: 'GET', route: '/api/v1/orders/:id' },
  'order.list': { kind: 'read', method: 'GET', route: '/api/v1/users/:userId/orders' },
} as const satisfies Record<string, { kind: 'read' | 'write'; method: string; route: string }>;

export type OperationName = keyof typeof OPERATIONS;
export type OperationKind = 'read' | 'write';

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** "METHOD route", the key the server's request counter is labelled with. */
export function routeKey(op: OperationName): string {
  return `${OPERATIONS[op].method} ${OPERATIONS[op].route}`;
}
