/**
 * Formatting shared by the server renderer and the browser script (api/pages/checkout/browser), so a
 * status that changes live reads exactly like the one rendered first. Nothing here may import a
 * Node module: esbuild bundles it for the browser.
 */

/**
 * Minor units as a decimal amount with at least two decimals ("2500000", 6 → "2.50"). Written here
 * rather than taken from ethers' formatUnits so the browser bundle stays a few KiB.
 */
export function formatAmount(minor: string | bigint, decimals: number): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '').padEnd(Math.min(2, decimals), '0');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Time left as H:MM:SS (or M:SS under an hour); zero once past. */
export function formatCountdown(remainingMs: number): string {
  const total = Math.max(0, Math.ceil(remainingMs / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Fills `{name}` placeholders; an unknown name stays as written, so a gap shows rather than vanishes. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
