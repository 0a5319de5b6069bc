export { Notifier, type Outcome } from './notifier.service.js';
export { notificationText } from './notification-text.js';
export type * from './notifications.ports.js';
