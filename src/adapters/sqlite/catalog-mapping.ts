import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';

const Column = Type.String({ minLength: 1, description: 'a column of the query' });

/**
 * How a source database's rows become products: the rows (a table or a query), their key (order
 * and checkpoint), which column holds each field, how prices are stated, and where attributes
 * come from (columns, a JSON column, or name/value rows joined by key).
 */
export const CatalogMapping = Type.Object(
  {
    table: Type.Optional(Type.String({ minLength: 1 })),
    query: Type.Optional(Type.String({ minLength: 1 })),
    key: Column,
    columns: Type.Object(
      {
        sku: Column,
        name: Column,
        description: Type.Optional(Column),
        category: Column,
        price: Column,
        currency: Type.Optional(Column),
        stock: Column,
      },
      { additionalProperties: false },
    ),
    price: Type.Object(
      {
        unit: Type.Union([Type.Literal('minor'), Type.Literal('decimal')]),
        /** The currency of rows without a currency column (default RUB). */
        currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
      },
      { additionalProperties: false },
    ),
    attributes: Type.Optional(
      Type.Object(
        {
          columns: Type.Optional(Type.Array(Column)),
          json: Type.Optional(Column),
          rows: Type.Optional(
            Type.Object(
              {
                query: Type.String({ minLength: 1, description: 'returns key, name and value columns' }),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CatalogMapping = Static<typeof CatalogMapping>;

/** Bazaar's own layout, as `bazaar export` writes it. */
export const BAZAAR_LAYOUT: CatalogMapping = {
  table: 'products',
  key: 'rowid',
  columns: {
    sku: 'sku',
    name: 'name',
    description: 'description',
    category: 'category',
    price: 'price',
    currency: 'currency',
    stock: 'stock',
  },
  price: { unit: 'minor' },
  attributes: { json: 'attributes' },
};

/** A mapping file's text as a mapping, or every reason it is not one. */
export function parseMapping(text: string): CatalogMapping {
  const raw: unknown = parse(text);
  if (!Value.Check(CatalogMapping, raw)) {
    const problems = [...Value.Errors(CatalogMapping, raw)].map((e) => `${e.path || '/'}: ${e.message}`);
    throw new Error(`the mapping is not valid:\n  ${problems.slice(0, 10).join('\n  ')}`);
  }
  const mapping = raw as CatalogMapping;
  if ((mapping.table === undefined) === (mapping.query === undefined))
    throw new Error('the mapping names either a table or a query (one of them)');
  return mapping;
}
