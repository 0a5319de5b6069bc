import { Type } from '@sinclair/typebox';
import { MinorUnits, PageOf, PageQuery, Text, Timestamp, Uuid } from '../../platform/http/common.schemas.js';
import { ORDER_STATUSES } from './order-status.js';

const Line = (max: number) => Text({ minLength: 1, maxLength: max });
export const ShippingAddressSchema = Type.Object(
  {
    recipient: Type.Optional(Line(200)),
    line1: Line(300),
    line2: Type.Optional(Line(300)),
    city: Line(100),
    region: Type.Optional(Line(100)),
    postal_code: Type.Optional(Line(20)),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    phone: Type.Optional(Line(40)),
  },
  { additionalProperties: false, description: 'Where the order goes' },
);

export const OrderStatusSchema = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));

export const OrderSchema = Type.Object(
  {
    id: Uuid,
    user_id: Uuid,
    status: OrderStatusSchema,
    items: Type.Array(
      Type.Object({
        product_id: Uuid,
        name: Type.String({ description: 'Snapshot at checkout' }),
        unit_price: MinorUnits,
        quantity: Type.Integer(),
        line_total: MinorUnits,
      }),
    ),
    total: MinorUnits,
    currency: Type.String(),
    shipping_address: Type.Union([ShippingAddressSchema, Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    expires_at: Type.String({ format: 'date-time', description: 'An unpaid order is cancelled after this' }),
  },
  { $id: 'Order' },
);

export const CreateOrderBody = Type.Object(
  {
    user_id: Type.Optional(Uuid),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          { product_id: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 999 }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 100, description: 'Without items, the caller’s cart is checked out' },
      ),
    ),
    shipping_address: Type.Optional(ShippingAddressSchema),
  },
  {
    additionalProperties: false,
    examples: [
      {},
      {
        items: [{ product_id: '01935f4e-8c1a-7b3e-9f00-2a5b6c7d8e9f', quantity: 1 }],
        shipping_address: { line1: 'ул. Ленина, 1', city: 'Казань', country: 'RU' },
      },
    ],
  },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Required; scoped to the user',
  }),
});

export const PatchOrderBody = Type.Object(
  { status: Type.Optional(OrderStatusSchema), shipping_address: Type.Optional(ShippingAddressSchema) },
  { additionalProperties: false, minProperties: 1, examples: [{ status: 'paid' }] },
);

export const OrderListQuery = Type.Object(
  { status: Type.Optional(OrderStatusSchema), ...PageQuery },
  { additionalProperties: false },
);
export const OrderPage = PageOf(Type.Ref('Order'));
export const UserOrdersParams = Type.Object({ userId: Uuid });
