export { OrdersService } from './orders.service.js';
export { PlaceOrder } from './place-order.use-case.js';
export { OrderExpiryJob } from './order-expiry.job.js';
export { OutboxRelay } from './outbox-relay.job.js';
export { registerOrderRoutes } from './orders.routes.js';
export * from './order-status.js';
export type * from './orders.ports.js';
