import { Type } from '@sinclair/typebox';
import {
  Currency,
  MinorUnits,
  PageOf,
  PageQuery,
  Timestamp,
  Uuid,
} from '../../platform/http/common.schemas.js';

const AttributeValue = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]);
const Attributes = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), AttributeValue, {
  maxProperties: 50,
  description: 'A flat object of strings, numbers and booleans',
});
const Stock = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S(.*\\S)?$' });
const Name = Type.String({ minLength: 1, maxLength: 300 });
const Description = Type.String({ maxLength: 10_000 });
const Category = Type.String({ minLength: 1, maxLength: 100 });

export const ProductSchema = Type.Object(
  {
    id: Uuid,
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    category: Type.String(),
    price: MinorUnits,
    currency: Type.String(),
    stock: Type.Integer(),
    attributes: Type.Record(Type.String(), AttributeValue),
    version: Type.Integer({
      description:
        'Bumped on every change; the ETag header carries it. With the catalog in PostgreSQL an order ' +
        'taking stock is a change too; with the catalog in Cassandra (CATALOG_STORE=cassandra) it ' +
        'counts catalog edits only, as stock moved by orders lives apart (ADR 9)',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Product' },
);

export const CreateProductBody = Type.Object(
  {
    sku: Sku,
    name: Name,
    description: Type.Optional(Description),
    category: Category,
    price: MinorUnits,
    currency: Type.Optional(Currency),
    stock: Stock,
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);

export const PatchProductBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    category: Type.Optional(Category),
    price: Type.Optional(MinorUnits),
    currency: Type.Optional(Currency),
    stock: Type.Optional(Stock),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ProductListQuery = Type.Object(
  {
    search: Type.Optional(
      Type.String({ maxLength: 200, description: 'Full text, Russian and English morphology' }),
    ),
    category: Type.Optional(Category),
    min_price: Type.Optional(MinorUnits),
    max_price: Type.Optional(MinorUnits),
    sort: Type.Optional(
      Type.Union(
        [Type.Literal('relevance'), Type.Literal('price'), Type.Literal('name'), Type.Literal('created_at')],
        {
          description:
            'relevance (default with search; only with search), price, name, created_at (default otherwise)',
        },
      ),
    ),
    sort_order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ProductPage = PageOf(Type.Ref('Product'));
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The ETag a GET returned; a bare version is accepted' }),
  ),
});
