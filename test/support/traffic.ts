export * from '../../src/lab/history/traffic.js';
export { OrderLifecycleTraffic } from '../../src/lab/history/order-lifecycle-traffic.js';
