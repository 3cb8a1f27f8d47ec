/**
 * Shapes one wallet's liquidity (GET /v1/liquidity) into the series the overview chart draws. The
 * forecast gives hourly payout volumes; the chart shows what the wallet would have paid out by each
 * hour (running sums of the median and of each band's edges: the summed upper edge is a cautious
 * bound, wider than the true quantile of the sum) against what it holds now less what is in flight.
 * The shortfall mark is the first hour the 95 % upper edge passes that line. Pure, for unit tests.
 */
export interface ForecastPoint {
  at: string;
  p50: string | number;
  p80_low: string | number;
  p80_high: string | number;
  p95_low: string | number;
  p95_high: string | number;
}

export interface WalletLiquidity {
  chain: string;
  asset: string;
  wallet: string | null;
  balance: string | null;
  in_flight: string | null;
  /** `balance - in_flight`, as the route computes it. */
  available?: string | null;
  /** Why the position could not be read now. */
  error?: string | null;
  plan?: Record<string, unknown> | null;
  forecast: { generated_at: string; points: ForecastPoint[] } | null;
  shortfall: Record<string, unknown> | null;
}

export interface ForecastChart {
  /** Unix seconds of each hour. */
  x: number[];
  p50: number[];
  p80Low: number[];
  p80High: number[];
  p95Low: number[];
  p95High: number[];
  /** The wallet's balance less in-flight payouts, at every hour (a flat line). */
  available: number[];
  /** Index into `x` of the first hour the 95 % upper edge exceeds `available`, or null. */
  shortfallIndex: number | null;
}

/** Minor units as a plotting number in whole units (drawing only: amounts shown as text never go through this). */
function units(minor: string | number | bigint, decimals: number): number {
  return Number(minor) / 10 ** decimals;
}

function runningSum(values: number[]): number[] {
  let total = 0;
  return values.map((value) => (total += Math.max(0, value)));
}

/** The wallet's balance less what is in flight, in minor units; null when either is unknown. */
export function availableMinor(entry: Pick<WalletLiquidity, 'balance' | 'in_flight' | 'available'>): bigint | null {
  if (entry.available !== undefined && entry.available !== null) return BigInt(entry.available);
  if (entry.balance === null || entry.balance === undefined) return null;
  return BigInt(entry.balance) - BigInt(entry.in_flight ?? '0');
}

/** The chart's series, or null when the wallet has no forecast yet. */
export function forecastChart(entry: WalletLiquidity, decimals: number): ForecastChart | null {
  const points = entry.forecast?.points ?? [];
  if (points.length === 0) return null;
  const x = points.map((point) => Math.floor(Date.parse(point.at) / 1000));
  const series = (pick: (point: ForecastPoint) => string | number) => runningSum(points.map((point) => units(pick(point), decimals)));
  const p95High = series((point) => point.p95_high);
  const available = availableMinor(entry);
  const availableUnits = available === null ? NaN : units(available, decimals);
  const index = Number.isNaN(availableUnits) ? -1 : p95High.findIndex((value) => value > availableUnits);
  return {
    x,
    p50: series((point) => point.p50),
    p80Low: series((point) => point.p80_low),
    p80High: series((point) => point.p80_high),
    p95Low: series((point) => point.p95_low),
    p95High,
    available: x.map(() => availableUnits),
    shortfallIndex: index < 0 ? null : index,
  };
}
