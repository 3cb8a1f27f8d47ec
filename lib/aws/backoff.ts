/**
 * Full-jitter exponential backoff: a wait drawn uniformly below min(max, base × 2^step), so writers
 * that lost together come back spread out instead of colliding again. `step` counts from 0.
 */
export function fullJitterDelayMs(step: number, options: { baseDelayMs: number; maxDelayMs: number }, random: () => number = Math.random): number {
  return random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** step);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
