import { Type } from '@sinclair/typebox';
import { PageOf, PageQuery, Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { ORDER_STATUSES } from '../orders/index.js';

export const NotificationSchema = Type.Object(
  {
    id: Uuid,
    user_id: Uuid,
    order_id: Uuid,
    event_id: Type.String({ format: 'uuid', description: 'The order event it was made from (one each)' }),
    seq: Type.Integer({ minimum: 1, description: 'The event’s place in its order’s history' }),
    status: Type.Union(
      ORDER_STATUSES.map((s) => Type.Literal(s)),
      { description: 'The status the order moved to' },
    ),
    text_ru: Type.String(),
    text_en: Type.String(),
    created_at: Timestamp,
  },
  { $id: 'Notification', additionalProperties: false },
);

export const NotificationListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const NotificationPage = PageOf(Type.Ref('Notification'));
export const UserNotificationsParams = Type.Object({ userId: Uuid });
