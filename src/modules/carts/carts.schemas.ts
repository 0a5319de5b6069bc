import { Type } from '@sinclair/typebox';
import { MinorUnits, Timestamp, Uuid } from '../../platform/http/common.schemas.js';

export const CartItemSchema = Type.Object({
  product_id: Uuid,
  name: Type.String(),
  unit_price: MinorUnits,
  quantity: Type.Integer(),
  line_total: MinorUnits,
});

export const CartSchema = Type.Object(
  {
    user_id: Uuid,
    items: Type.Array(CartItemSchema),
    total: MinorUnits,
    currency: Type.String(),
    updated_at: Type.Union([Timestamp, Type.Null()], { description: 'Last change; null for an empty cart' }),
  },
  { $id: 'Cart' },
);

export const CartParams = Type.Object({ userId: Uuid });
export const CartItemParams = Type.Object({ userId: Uuid, productId: Uuid });
export const SetQuantityBody = Type.Object(
  { quantity: Type.Integer({ minimum: 1, maximum: 999 }) },
  { additionalProperties: false, examples: [{ quantity: 2 }] },
);
