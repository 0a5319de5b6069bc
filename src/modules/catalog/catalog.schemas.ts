import { Type } from '@sinclair/typebox';
import {
  Currency,
  CurrencyCode,
  MinorUnits,
  PageOf,
  PageQuery,
  Timestamp,
  Text,
  Uuid,
} from '../../platform/http/common.schemas.js';

const AttributeValue = Type.Union([Text({ maxLength: 500 }), Type.Number(), Type.Boolean()]);
// A record's key schema becomes a patternProperties key (its lengths would be lost), so the names'
// rules are a propertyNames schema.
const Attributes = Type.Record(Type.String(), AttributeValue, {
  maxProperties: 50,
  propertyNames: Text({ minLength: 1, maxLength: 100 }),
  description: 'A flat object of strings, numbers and booleans: at most 50, names 1..100 characters',
});
const Stock = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
// No space at either end, no line break, no U+0000.
const Sku = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[^\\s\\u0000]([^\\u0000\\r\\n]*[^\\s\\u0000])?$',
});
const Name = Text({ minLength: 1, maxLength: 300 });
const Description = Text({ maxLength: 10_000 });
const Category = Text({ minLength: 1, maxLength: 100 });

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
  {
    additionalProperties: false,
    examples: [
      {
        sku: 'DRESS-042',
        name: 'Платье льняное миди',
        description: 'Лёгкое платье из льна, с поясом',
        category: 'Одежда',
        price: 459900,
        currency: 'RUB',
        stock: 25,
        attributes: { color: 'синий', size: 'M', linen: true },
      },
    ],
  },
);

export const PatchProductBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    category: Type.Optional(Category),
    price: Type.Optional(MinorUnits),
    // No default here: a change that leaves the currency out keeps it.
    currency: Type.Optional(CurrencyCode),
    stock: Type.Optional(Stock),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ price: 399900, stock: 30 }] },
);

export const ProductListQuery = Type.Object(
  {
    search: Type.Optional(Text({ maxLength: 200, description: 'Full text, Russian and English morphology' })),
    category: Type.Optional(Category),
    min_price: Type.Optional(MinorUnits),
    max_price: Type.Optional(MinorUnits),
    sort: Type.Optional(
      Type.Union(
        [Type.Literal('relevance'), Type.Literal('price'), Type.Literal('name'), Type.Literal('created_at')],
        {
          description:
            'relevance (default with search; without search it is created_at), price, name, created_at (default otherwise)',
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
    Type.String({
      pattern: '^ *(\\*|(W/)?"?[0-9]{1,9}"?) *$',
      description: 'The ETag a GET returned ("3"), W/"3", a bare version (3) or * (any current version)',
      examples: ['"3"'],
    }),
  ),
});
