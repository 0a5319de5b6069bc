import { AppError } from '../../platform/errors.js';
import { shortId } from '../../platform/ids.js';
import { commonCurrency, lineTotal, sumMinorUnits } from '../../platform/money.js';
import type { OrderItem, OrderLine, ProductSnapshot } from './orders.ports.js';

/** Merges repeated products into one line each, so that stock is reserved once per product. */
export function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.product_id, (merged.get(line.product_id) ?? 0) + line.quantity);
  return [...merged].map(([product_id, quantity]) => ({ product_id, quantity }));
}

/**
 * Prices the lines against the locked products. Fails with 409 naming the short product ids when
 * any line cannot be served (unknown, deleted or short), so that nothing is reserved at all.
 */
export function priceOrder(
  lines: readonly OrderLine[],
  snapshot: readonly ProductSnapshot[],
  defaultCurrency: string,
): { items: OrderItem[]; total: number; currency: string } {
  const byId = new Map(snapshot.map((p) => [p.id, p]));
  const missing = lines.filter((l) => !byId.has(l.product_id)).map((l) => l.product_id);
  if (missing.length > 0) {
    throw new AppError('not_found', `Products not for sale: ${missing.map(shortId).join(', ')}`, {
      product_ids: missing.map(shortId),
    });
  }
  const short = lines.filter((l) => byId.get(l.product_id)!.stock < l.quantity).map((l) => l.product_id);
  if (short.length > 0) {
    throw new AppError('insufficient_stock', `Not enough stock for ${short.map(shortId).join(', ')}`, {
      product_ids: short.map(shortId),
    });
  }
  const items = lines.map((line) => {
    const product = byId.get(line.product_id)!;
    return {
      product_id: product.id,
      name: product.name,
      unit_price: product.price,
      quantity: line.quantity,
      line_total: lineTotal(product.price, line.quantity),
    };
  });
  let currency: string;
  try {
    currency = commonCurrency(
      lines.map((l) => byId.get(l.product_id)!.currency),
      defaultCurrency,
    );
  } catch {
    throw new AppError('conflict', 'An order cannot mix currencies; order the products separately');
  }
  return { items, total: sumMinorUnits(items.map((i) => i.line_total)), currency };
}
