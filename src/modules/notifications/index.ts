export { Notifier, type NotifierObserver, type Outcome } from './notifier.service.js';
export { NotificationsService } from './notifications.service.js';
export { LocalDelivery } from './local-delivery.js';
export { registerNotificationRoutes } from './notifications.routes.js';
export { notificationText } from './notification-text.js';
export type * from './notifications.ports.js';
export { decodeOrderEvent, encodeOrderEvent } from './order-event-message.js';
