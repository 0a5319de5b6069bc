/**
 * A decimal amount ("1234.50", or a number as SQLite stores REAL) as integer minor units of
 * `currency`, exactly: digits are read as text and scaled with integers, never through floating
 * point. Refused: more decimals than the currency has, anything that is not a plain decimal.
 */
export function decimalToMinorUnits(
  amount: string | number,
  currency: string,
): { minor: number } | { error: string } {
  // A JavaScript number prints as the shortest decimal that reads back as itself: 19.99 is "19.99".
  const text = typeof amount === 'number' ? numberText(amount) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { error: `"${text}" is not a decimal amount` };
  const [, sign, whole, fraction = ''] = match;
  const digits = currencyDigits(currency);
  if (digits === undefined) return { error: `${currency} is not an ISO 4217 currency` };
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > digits)
    return { error: `${text} has more decimals than ${currency} has (${digits})` };
  const minor = BigInt(whole!) * 10n ** BigInt(digits) + BigInt(significant.padEnd(digits, '0') || '0');
  const signed = sign === '-' ? -minor : minor;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < -BigInt(Number.MAX_SAFE_INTEGER))
    return { error: `${text} is too large` };
  return { minor: Number(signed) };
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const text = String(n);
  // 1e21 and 1e-7 print in exponent form: spelled out so the pattern can read them.
  return /e/i.test(text) ? n.toFixed(20).replace(/\.?0+$/, '') : text;
}

const digitsCache = new Map<string, number | undefined>();

/** How many decimals a currency has (RUB 2, JPY 0), from the platform's ISO 4217 data. */
export function currencyDigits(currency: string): number | undefined {
  if (digitsCache.has(currency)) return digitsCache.get(currency);
  let digits: number | undefined;
  try {
    if (/^[A-Z]{3}$/.test(currency))
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits;
  } catch {
    digits = undefined;
  }
  digitsCache.set(currency, digits);
  return digits;
}
