export interface CartLine {
  product_id: string;
  quantity: number;
}

export interface StoredCart {
  lines: CartLine[];
  /** When the cart last changed; null for an empty cart. */
  updated_at: string | null;
}

/**
 * Storage of carts: per user, product id -> quantity, in PostgreSQL or Redis behind this one
 * port. Each call is one round trip to the store.
 */
export interface CartStore {
  get(userId: string): Promise<StoredCart>;
  /** Sets one line's quantity and returns the whole cart after the change. */
  setQuantity(userId: string, productId: string, quantity: number, at: Date): Promise<StoredCart>;
  /** Removes one line (absent is fine) and returns the whole cart after the change. */
  removeItem(userId: string, productId: string, at: Date): Promise<StoredCart>;
  clear(userId: string): Promise<void>;
  /** After checkout: removes the ordered lines whose quantity is still the ordered one. */
  removeOrdered(userId: string, lines: readonly CartLine[], at: Date): Promise<void>;
}

/** What a cart needs to know about products: their current name and price, if still for sale. */
export interface PricedProduct {
  id: string;
  name: string;
  price: number;
  currency: string;
}

export interface ProductLookup {
  findMany(ids: readonly string[]): Promise<PricedProduct[]>;
}
