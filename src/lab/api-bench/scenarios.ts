import type autocannon from 'autocannon';

export interface Fixtures {
  productIds: string[];
  /** Categories of the demo catalogue, for list pages with a filter. */
  categories: string[];
  orderable: string[];
  customers: Array<{ id: string; token: string; index: number }>;
}

// Word forms that need morphology, as shoppers type them.
const SEARCHES = [
  'платья',
  'хлопок',
  'кошелек',
  'туфлями',
  'running',
  'кроссовки',
  'leather bag',
  'наушники',
  'coffee',
  'часы',
];

const CART_SIZE = 8;

/** The reads the caches serve, measured once more on an instance without them. */
export const UNCACHED = ['product.get', 'product.list', 'product.list_category', 'product.search'] as const;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** One autocannon request per measured operation; each call draws fresh random inputs. */
export function scenarios(f: Fixtures): Record<string, autocannon.Request> {
  let orderNumber = 0;
  const runId = Date.now().toString(36);
  return {
    'product.get': {
      method: 'GET',
      setupRequest: (req) => ({ ...req, path: `/api/v1/products/${pick(f.productIds)}` }),
    },
    // A list page of 20 with its total: page 3, newest first, with no filter and in one category.
    'product.list': { method: 'GET', path: '/api/v1/products?limit=20&page=3' },
    'product.list_category': {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: `/api/v1/products?limit=20&page=3&category=${encodeURIComponent(pick(f.categories))}`,
      }),
    },
    'product.search': {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: `/api/v1/products?search=${encodeURIComponent(pick(SEARCHES))}`,
      }),
    },
    'cart.put_item': {
      method: 'PUT',
      setupRequest: (req) => {
        const customer = pick(f.customers);
        // A shopper agonises over a handful of products: carts stay at most CART_SIZE lines long.
        const product =
          f.productIds[
            (customer.index * CART_SIZE + Math.floor(Math.random() * CART_SIZE)) % f.productIds.length
          ]!;
        return {
          ...req,
          path: `/api/v1/users/${customer.id}/cart/items/${product}`,
          headers: { authorization: `Bearer ${customer.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ quantity: 1 + Math.floor(Math.random() * 5) }),
        };
      },
    },
    'order.create': {
      method: 'POST',
      setupRequest: (req) => {
        const customer = pick(f.customers);
        return {
          ...req,
          path: '/api/v1/orders',
          headers: {
            authorization: `Bearer ${customer.token}`,
            'content-type': 'application/json',
            'idempotency-key': `bench-${runId}-${orderNumber++}`,
          },
          body: JSON.stringify({ items: [{ product_id: pick(f.orderable), quantity: 1 }] }),
        };
      },
    },
  };
}
