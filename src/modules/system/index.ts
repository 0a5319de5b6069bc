export { registerSystemRoutes, type ReadinessProbe } from './system.routes.js';
export { detectDevice, type Device } from './device.js';
