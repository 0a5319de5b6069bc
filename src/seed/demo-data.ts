import { deterministicUuidV7 } from '../platform/ids.js';
import type { Product } from '../modules/catalog/index.js';
import { between, pick, seededRandom } from './random.js';
import { CATEGORIES } from './catalog-words.js';
import {
  BRANDS,
  COLORS_EN,
  COLORS_RU,
  MATERIAL_PHRASES_RU,
  MATERIALS_EN,
  MATERIALS_RU,
} from './product-traits.js';
import { FIRST_NAMES, LAST_NAMES } from './people-words.js';

/** Demo data starts at a fixed instant so that the same seed gives identical rows on every run. */
const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
export const DEMO_CUSTOMER_PASSWORD = 'shopaholic';

export function demoCustomerEmail(n: number): string {
  return `customer${n}@bazaar.local`;
}

/** Product `n` (0-based) of the demo catalogue for a seed: 60 % Russian, 40 % English. */
export function demoProducts(count: number, seed: number): Product[] {
  const random = seededRandom(seed);
  const products: Product[] = [];
  for (let n = 0; n < count; n++) {
    const words = CATEGORIES[n % CATEGORIES.length]!;
    const russian = n % 5 < 3;
    const lang = russian ? words.ru : words.en;
    const brand = pick(random, BRANDS);
    const colorIndex = between(random, 0, COLORS_RU.length - 1);
    const materialIndex = between(random, 0, MATERIALS_RU.length - 1);
    const model = between(random, 100, 999);
    const noun = pick(random, lang.nouns);
    const description = [
      pick(random, lang.phrases),
      russian ? MATERIAL_PHRASES_RU[materialIndex]! : `Made of ${MATERIALS_EN[materialIndex]}.`,
      russian ? `Цвет: ${COLORS_RU[colorIndex]}.` : `Colour: ${COLORS_EN[colorIndex]}.`,
    ].join(' ');
    const at = new Date(EPOCH + n * 1000).toISOString();
    // Prices end in 0 kopecks, as shop prices do.
    const price = between(random, words.price[0], words.price[1]) * 100;
    products.push({
      id: deterministicUuidV7(EPOCH + n * 1000, random),
      sku: `S${seed}-${String(n).padStart(7, '0')}`,
      name: `${noun} ${brand} ${model}`,
      description,
      category: words.category,
      price,
      currency: 'RUB',
      stock: between(random, 0, 500),
      attributes: {
        brand,
        color: russian ? COLORS_RU[colorIndex]! : COLORS_EN[colorIndex]!,
        material: russian ? MATERIALS_RU[materialIndex]! : MATERIALS_EN[materialIndex]!,
        warranty_months: pick(random, [0, 6, 12, 24]),
        in_gift_box: random() < 0.2,
      },
      version: 1,
      created_at: at,
      updated_at: at,
    });
  }
  return products;
}

export interface DemoCustomer {
  id: string;
  email: string;
  name: string;
  created_at: string;
}

export function demoCustomers(count: number, seed: number): DemoCustomer[] {
  const random = seededRandom(seed ^ 0x5eed);
  return Array.from({ length: count }, (_, n) => {
    const at = EPOCH + n * 1000;
    return {
      id: deterministicUuidV7(at, random),
      email: demoCustomerEmail(n + 1),
      name: `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`,
      created_at: new Date(at).toISOString(),
    };
  });
}
