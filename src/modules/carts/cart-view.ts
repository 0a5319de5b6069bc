import { commonCurrency, lineTotal, sumMinorUnits } from '../../platform/money.js';
import type { CartLine, PricedProduct } from './carts.ports.js';

export interface CartItem {
  product_id: string;
  name: string;
  unit_price: number;
  quantity: number;
  line_total: number;
}

export interface Cart {
  user_id: string;
  items: CartItem[];
  total: number;
  currency: string;
  updated_at: string | null;
}

/**
 * Prices a cart with the products' current names and prices. Lines whose product is no longer
 * for sale (deleted) are left out: the cart shows only what can be ordered.
 */
export function priceCart(
  userId: string,
  lines: readonly CartLine[],
  products: readonly PricedProduct[],
  updatedAt: string | null,
  defaultCurrency: string,
): Cart {
  const byId = new Map(products.map((p) => [p.id, p]));
  const items: CartItem[] = [];
  for (const line of lines) {
    const product = byId.get(line.product_id);
    if (!product) continue;
    items.push({
      product_id: line.product_id,
      name: product.name,
      unit_price: product.price,
      quantity: line.quantity,
      line_total: lineTotal(product.price, line.quantity),
    });
  }
  items.sort((a, b) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0));
  const currency = commonCurrency(
    items.map((i) => byId.get(i.product_id)!.currency),
    defaultCurrency,
  );
  return {
    user_id: userId,
    items,
    total: sumMinorUnits(items.map((i) => i.line_total)),
    currency,
    updated_at: updatedAt,
  };
}
