/**
 * Amounts and dates per locale. Amounts arrive as decimal strings of minor units; they are turned
 * into exact decimal strings with bigint arithmetic and handed to Intl.NumberFormat as strings
 * (exact decimals, ECMA-402 2023), never through a float. Pure: the unit tests run it in Node.
 */

/** Decimals of the assets the console knows before GET /v1/chains answers; that list wins. */
export const knownDecimals: Record<string, number> = { USDC: 6, USDT: 6, EURC: 6, DAI: 18, ETH: 18 };

/** Minor units as an exact decimal string ("2500000", 6 → "2.5"; "-1", 2 → "-0.01"). */
export function minorToDecimal(minor: string | bigint, decimals: number): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, decimals: number): Intl.NumberFormat {
  const key = `${locale}:${decimals}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: Math.min(2, decimals), maximumFractionDigits: decimals });
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * An amount of an asset for people: grouping and decimal mark per locale, at least two decimals,
 * every significant digit kept ("1234567000", USDC, en → "1,234.567 USDC").
 */
export function formatAmount(minor: string | bigint, asset: string, locale: string, decimals = knownDecimals[asset] ?? 0): string {
  // Intl.NumberFormat formats a decimal string exactly; its TypeScript signature predates that.
  const text = numberFormat(locale, decimals).format(minorToDecimal(minor, decimals) as unknown as number);
  return `${text} ${asset}`;
}

/** A date and time in the locale's way, in `timeZone` (the browser's own by default). */
export function formatDateTime(iso: string, locale: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(date);
}

/** Milliseconds for people ("1,204 ms"). */
export function formatLatency(ms: number, locale: string): string {
  return `${new Intl.NumberFormat(locale).format(ms)} ms`;
}

/** Fills `{name}` placeholders; an unknown name stays as written, so a gap shows rather than vanishes. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (values[name] === undefined ? whole : String(values[name])));
}

/** A chain explorer's link for a transaction, from GET /v1/chains' `explorer_tx_url` template. */
export function explorerLink(template: string | null | undefined, txHash: string): string | undefined {
  if (!template || !/^0x[0-9a-fA-F]{64}$/.test(txHash)) return undefined;
  const url = template.replace('{hash}', txHash);
  return /^https?:\/\//.test(url) ? url : undefined;
}
