import { describe, expect, it } from 'vitest';
import { availableMinor, forecastChart, type WalletLiquidity } from '#api/pages/console/browser/forecast.js';

function wallet(points: Array<[number, number, number, number, number]>, balance = '10000000', inFlight = '2000000'): WalletLiquidity {
  const start = Date.parse('2026-12-07T10:00:00Z');
  return {
    chain: 'local-a',
    asset: 'USDC',
    wallet: '0x52908400098527886E0F7030069857D2E4169EE7',
    balance,
    in_flight: inFlight,
    plan: null,
    shortfall: null,
    forecast: {
      generated_at: '2026-12-07T09:59:00Z',
      points: points.map(([p50, p80Low, p80High, p95Low, p95High], hour) => ({
        at: new Date(start + hour * 3_600_000).toISOString(),
        p50: String(p50),
        p80_low: String(p80Low),
        p80_high: String(p80High),
        p95_low: String(p95Low),
        p95_high: p95High,
      })),
    },
  };
}

describe('forecast chart data', () => {
  it('draws running sums of each band edge in whole units, against the balance less in flight', () => {
    const chart = forecastChart(wallet([[1_000_000, 500_000, 1_500_000, 0, 2_000_000], [2_000_000, 1_000_000, 3_000_000, 500_000, 4_000_000]]), 6)!;
    expect(chart.x).toEqual([Date.parse('2026-12-07T10:00:00Z') / 1000, Date.parse('2026-12-07T11:00:00Z') / 1000]);
    expect(chart.p50).toEqual([1, 3]);
    expect(chart.p80Low).toEqual([0.5, 1.5]);
    expect(chart.p80High).toEqual([1.5, 4.5]);
    expect(chart.p95Low).toEqual([0, 0.5]);
    expect(chart.p95High).toEqual([2, 6]);
    expect(chart.available).toEqual([8, 8]);
    expect(chart.shortfallIndex).toBeNull();
  });

  it('marks the first hour the 95 % upper edge passes what the wallet can pay', () => {
    const chart = forecastChart(wallet([[1, 1, 1, 1, 3_000_000], [1, 1, 1, 1, 3_000_000], [1, 1, 1, 1, 3_000_000]], '8000000', '0'), 6)!;
    // 3, 6, 9 USDC against 8: short from the third hour.
    expect(chart.shortfallIndex).toBe(2);
  });

  it('marks no shortfall at exactly the balance, and the first hour when already short', () => {
    expect(forecastChart(wallet([[0, 0, 0, 0, 8_000_000]], '8000000', '0'), 6)!.shortfallIndex).toBeNull();
    expect(forecastChart(wallet([[0, 0, 0, 0, 1]], '1000', '1000'), 6)!.shortfallIndex).toBe(0);
  });

  it('counts negative model values as no payouts', () => {
    expect(forecastChart(wallet([[-5, -5, 1, -5, 1], [1_000_000, 0, 1, 0, 1]]), 6)!.p50).toEqual([0, 1]);
  });

  it('has nothing to draw without a forecast, and no line without a balance', () => {
    expect(forecastChart({ ...wallet([]), forecast: null }, 6)).toBeNull();
    expect(forecastChart(wallet([]), 6)).toBeNull();
    const unknown = forecastChart({ ...wallet([[1, 1, 1, 1, 1]]), balance: null }, 6)!;
    expect(unknown.available.every(Number.isNaN)).toBe(true);
    expect(unknown.shortfallIndex).toBeNull();
    expect(availableMinor({ balance: '5', in_flight: '7' })).toBe(-2n);
  });
});
