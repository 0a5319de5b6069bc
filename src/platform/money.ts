/** Money is integer minor units (kopecks, cents). These helpers refuse anything else. */
export const MAX_MINOR_UNITS = Number.MAX_SAFE_INTEGER;

export function assertMinorUnits(value: number, what = 'amount'): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of minor units, got ${value}`);
  }
  return value;
}

export function lineTotal(unitPrice: number, quantity: number): number {
  assertMinorUnits(unitPrice, 'unit price');
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new RangeError(`bad quantity ${quantity}`);
  return assertMinorUnits(unitPrice * quantity, 'line total');
}

export function sumMinorUnits(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) total += assertMinorUnits(amount);
  return assertMinorUnits(total, 'total');
}

/** All lines of one cart or order must share a currency: mixing them has no meaningful total. */
export function commonCurrency(currencies: readonly string[], fallback: string): string {
  const distinct = new Set(currencies);
  if (distinct.size > 1) throw new RangeError(`mixed currencies: ${[...distinct].join(', ')}`);
  return currencies[0] ?? fallback;
}

/** An amount in minor units as a reader expects it in `locale` (e.g. "1 234,50 ₽", "RUB 1,234.50"). */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // For display only: the division is exact enough for any amount a shop shows.
  return format.format(minorUnits / 10 ** digits);
}
