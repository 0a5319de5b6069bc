import { BearerAuth, problems } from '../../platform/http/common.schemas.js';
import type { Authenticate } from '../../platform/http/principal.js';
import type { HttpServer } from '../../platform/http/server.js';
import type { NotificationsService } from './notifications.service.js';
import {
  NotificationListQuery,
  NotificationPage,
  NotificationSchema,
  UserNotificationsParams,
} from './notifications.schemas.js';

export function registerNotificationRoutes(
  app: HttpServer,
  deps: { notifications: NotificationsService; authenticate: Authenticate },
): void {
  app.addSchema(NotificationSchema);
  app.get(
    '/api/v1/users/:userId/notifications',
    {
      preHandler: deps.authenticate,
      schema: {
        tags: ['notifications'],
        security: BearerAuth,
        summary: 'A user’s notifications of order status changes, newest first (owner or admin)',
        description:
          'One notification per status change of each of the user’s orders (placed, paid, shipped, delivered, ' +
          'cancelled, with who cancelled), in Russian and English. Each change is written with its order event ' +
          'in one transaction and delivered at least once; the notifier applies each event exactly once and in ' +
          'order per order, so a notification may appear shortly after the change that made it.',
        params: UserNotificationsParams,
        querystring: NotificationListQuery,
        response: { 200: NotificationPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, page } = request.query;
      const result = await deps.notifications.list(request.principal!, request.params.userId, limit, page);
      return { ...result, page, limit };
    },
  );
}
