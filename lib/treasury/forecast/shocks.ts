import { ShockSyntaxError } from './errors.js';

/**
 * A scenario shock: flows multiplied by `factor` during hours [startHours, startHours + durationHours)
 * from now. Step s of a forecast (1-based) covers hours [s - 1, s), so `x3@+2h/6h` multiplies steps
 * 3..8 by 3.
 */
export interface Shock {
  factor: number;
  startHours: number;
  durationHours: number;
}

const shockPattern = /^x(\d+(?:\.\d+)?)@\+(\d+)h\/(\d+)h$/;

/**
 * Parses shocks: `x<factor>@+<start>h/<duration>h`, several separated by commas, and/or several
 * strings (a repeated CLI option). Factor is a non-negative decimal (x0 stops flows, x0.5 halves
 * them); start and duration are whole hours, duration at least 1. Spaces around commas are allowed.
 */
export function parseShocks(input: string | readonly string[]): Shock[] {
  const texts = (typeof input === 'string' ? [input] : input).flatMap((text) => text.split(','));
  return texts.map((raw) => parseShock(raw.trim()));
}

function parseShock(text: string): Shock {
  if (text === '') throw new ShockSyntaxError(text, 'is empty; expected x<factor>@+<start>h/<duration>h, e.g. x3@+2h/6h');
  const match = shockPattern.exec(text);
  if (match === null) throw new ShockSyntaxError(text, explain(text));
  const [factor, startHours, durationHours] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (durationHours < 1) throw new ShockSyntaxError(text, 'lasts 0 hours; the duration must be at least 1h');
  if (!Number.isSafeInteger(startHours) || !Number.isSafeInteger(durationHours)) throw new ShockSyntaxError(text, 'has hours too large');
  return { factor, startHours, durationHours };
}

/** Names the first part that is wrong, so the user sees what to fix. */
function explain(text: string): string {
  if (!text.startsWith('x')) return "must start with 'x' and a factor, e.g. x3 or x0.5";
  if (!/^x\d+(?:\.\d+)?(@|$)/.test(text)) return 'has no valid factor after x (a non-negative decimal such as 3 or 0.5)';
  if (!text.includes('@')) return "has no '@+<start>h' after the factor";
  if (!/@\+\d+h(\/|$)/.test(text)) return "has no valid start: write '@+<whole hours>h', e.g. @+2h";
  if (!text.includes('/')) return "has no '/<duration>h' after the start";
  return "has no valid duration: write '/<whole hours>h', e.g. /6h";
}

/** The multiplier of each step 1..horizon (index 0 is step 1); overlapping shocks multiply. */
export function shockMultipliers(shocks: readonly Shock[], horizon: number): Float64Array {
  const multipliers = new Float64Array(horizon).fill(1);
  for (const { factor, startHours, durationHours } of shocks) {
    for (let index = startHours; index < Math.min(horizon, startHours + durationHours); index++) multipliers[index]! *= factor;
  }
  return multipliers;
}

/** New paths with every step multiplied by the shocks' multiplier (the inputs are left unchanged). */
export function applyShocks(paths: readonly Float64Array[], shocks: readonly Shock[]): Float64Array[] {
  const horizon = paths[0]?.length ?? 0;
  const multipliers = shockMultipliers(shocks, horizon);
  return paths.map((path) => path.map((value, index) => value * multipliers[index]!));
}
