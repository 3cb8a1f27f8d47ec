/** Latency and throughput runners. Both report failures instead of throwing, so one bad call is visible, not fatal. */

export interface Latency {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

export interface Throughput {
  callers: number;
  calls: number;
  seconds: number;
  perSecond: number;
  errors: number;
  firstError?: string;
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** `n` calls one after another; call(i) gets its index. */
export async function sequential(n: number, call: (i: number) => Promise<void>): Promise<Latency> {
  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let i = 0; i < n; i += 1) {
    const startedAt = performance.now();
    try {
      await call(i);
      samples.push(performance.now() - startedAt);
    } catch (error) {
      errors += 1;
      firstError ??= (error as Error).message;
    }
  }
  samples.sort((a, b) => a - b);
  return { calls: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), errors, ...(firstError ? { firstError } : {}) };
}

/**
 * `callers` loops calling concurrently until `seconds` pass or `maxCalls` calls have started.
 * call(caller) answers false when that caller has nothing left to do (e.g. no payment left to capture).
 */
export async function concurrent(
  options: { callers: number; seconds: number; maxCalls: number },
  call: (caller: number) => Promise<boolean>,
): Promise<Throughput> {
  const startedAt = performance.now();
  const deadline = startedAt + options.seconds * 1000;
  let started = 0;
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  const loop = async (caller: number) => {
    while (started < options.maxCalls && performance.now() < deadline) {
      started += 1;
      try {
        if (!(await call(caller))) {
          started -= 1;
          return;
        }
        completed += 1;
      } catch (error) {
        errors += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.callers }, (_, caller) => loop(caller)));
  const seconds = (performance.now() - startedAt) / 1000;
  return { callers: options.callers, calls: completed, seconds, perSecond: completed / seconds, errors, ...(firstError ? { firstError } : {}) };
}
