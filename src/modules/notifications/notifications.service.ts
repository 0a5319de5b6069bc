import { requireOwnerOrAdmin } from '../../platform/access.js';
import type { Principal } from '../../platform/principal.js';
import type { NotificationPage, NotificationStore } from './notifications.ports.js';

/** What a customer (or an admin) reads: a user's notifications, newest first. */
export class NotificationsService {
  constructor(private readonly store: NotificationStore) {}

  list(caller: Principal, userId: string, limit: number, page: number): Promise<NotificationPage> {
    requireOwnerOrAdmin(caller, userId);
    return this.store.list(userId, limit, (page - 1) * limit);
  }
}
