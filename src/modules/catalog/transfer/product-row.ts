import { bodyValidator } from '../../../platform/http/validation.js';
import { CreateProductBody } from '../catalog.schemas.js';
import { DEFAULT_CURRENCY, type NewProduct } from '../catalog.service.js';
import type { AttributeValue } from '../catalog.ports.js';
import { decimalToMinorUnits } from './decimal-money.js';

/** One product as a source holds it: cells as read, before any rule. */
export interface SourceRow {
  /** The row's key in the source (its order, and what a checkpoint records). */
  key: string | number;
  sku: unknown;
  name: unknown;
  description: unknown;
  category: unknown;
  price: unknown;
  currency: unknown;
  stock: unknown;
  attributes: Record<string, unknown>;
  /** What the source already found wrong with the row (a JSON cell that does not parse). */
  problem?: { field: string; reason: string };
}

/** How a source states prices: integer minor units, or a decimal amount in the row's currency. */
export type PriceUnit = 'minor' | 'decimal';

export type Transformed = { product: NewProduct & { currency: string } } | { field: string; reason: string };

/** POST /products's own schema: an imported row obeys the very rules an API client does. */
const validate = bodyValidator(CreateProductBody);

class Refused extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Text as the store keeps it: valid UTF-8 (a U+FFFD is what invalid bytes read as), NFC, trimmed. */
function text(value: unknown, field: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') throw new Refused(field, 'is not text');
  if (value.includes('\uFFFD')) throw new Refused(field, 'is not valid UTF-8');
  return value.normalize('NFC').trim();
}

function integer(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'bigint') return Number(value);
  return value === null ? undefined : value;
}

function price(value: unknown, unit: PriceUnit, currency: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (unit === 'minor') return integer(value);
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new Refused('price', 'is not a decimal amount');
  const converted = decimalToMinorUnits(value, currency);
  if ('error' in converted) throw new Refused('price', converted.error);
  return converted.minor;
}

function attributes(raw: Record<string, unknown>): Record<string, AttributeValue> | undefined {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    const key = text(name, 'attributes')!;
    if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else out[key] = text(value, `attributes/${key}`)!;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A source row as a new product, or the first field that breaks a rule and why. Nothing of a
 * refused row is kept.
 */
export function transformRow(row: SourceRow, unit: PriceUnit): Transformed {
  if (row.problem) return row.problem;
  try {
    const currency = text(row.currency, 'currency') || DEFAULT_CURRENCY;
    const candidate: Record<string, unknown> = {
      sku: text(row.sku, 'sku'),
      name: text(row.name, 'name'),
      description: text(row.description, 'description'),
      category: text(row.category, 'category'),
      price: price(row.price, unit, currency),
      currency,
      stock: integer(row.stock),
      attributes: attributes(row.attributes),
    };
    for (const [k, v] of Object.entries(candidate)) if (v === undefined) delete candidate[k];
    if (!validate(candidate)) {
      const issue = validate.errors![0]!;
      const missing = (issue.params as { missingProperty?: string }).missingProperty;
      const field = missing ?? issue.instancePath.replace(/^\//, '');
      return { field: field || 'row', reason: missing ? 'is missing' : (issue.message ?? 'is invalid') };
    }
    return { product: candidate as unknown as NewProduct & { currency: string } };
  } catch (error) {
    if (error instanceof Refused) return { field: error.field, reason: error.message };
    throw error;
  }
}
