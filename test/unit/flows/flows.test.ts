import { describe, expect, it } from 'vitest';
import { epochHour, flowBucketFromItem, flowBucketItem, hourLabel } from '#lib/treasury/flows/flow-items.js';
import { payoutSeries } from '#lib/treasury/flows/flow-totals.js';
import { forecastFromItem, forecastItem, type ForecastRecord } from '#lib/treasury/planning/forecast-items.js';
import { syntheticFlows } from '#lib/treasury/flows/synthetic.js';
import { toLedgerUnits } from '#lib/treasury/planning/wallet.js';

const endHour = epochHour(Date.parse('2026-11-26T14:30:00Z'));

describe('hourly flow buckets', () => {
  it('keys a bucket by its UTC hour and reads back what was written', () => {
    const bucket = { hour: endHour, payoutMinor: 123_456_789_012_345_678_901n, payoutCount: 7, depositMinor: 0n, depositCount: 0 };
    const item = flowBucketItem('local-a', 'USDC', bucket);
    expect(item.sk!.S).toBe('HOUR#2026-11-26T14');
    expect(hourLabel(endHour)).toBe('2026-11-26T14');
    expect(flowBucketFromItem(item)).toEqual(bucket);
  });

  it('turns buckets into a series from the first hour with flows, missing hours as 0', () => {
    const at = (hour: number, minor: bigint) => ({ hour, payoutMinor: minor, payoutCount: 1, depositMinor: 0n, depositCount: 0 });
    const series = payoutSeries([at(endHour - 5, 10n), at(endHour - 2, 30n)], endHour);
    expect(series.startHour).toBe(endHour - 5);
    expect(Array.from(series.values)).toEqual([10, 0, 0, 30, 0]);
    expect(payoutSeries([], endHour).values.length).toBe(0);
  });
});

describe('synthetic history', () => {
  const options = { hours: 14 * 24, endHour, meanHourlyMinor: 2_000_000_000n, meanTicketMinor: 150_000_000n, seed: 7 };

  it('is the same for the same seed and differs for another', () => {
    expect(syntheticFlows(options)).toEqual(syntheticFlows(options));
    expect(syntheticFlows({ ...options, seed: 8 })).not.toEqual(syntheticFlows(options));
  });

  it('ends with the hour before endHour, peaks in the afternoon and is quieter at weekends', () => {
    const buckets = syntheticFlows({ ...options, hours: 8 * 7 * 24 });
    expect(buckets.at(-1)!.hour).toBe(endHour - 1);
    const meanWhere = (keep: (d: Date) => boolean) => {
      const picked = buckets.filter((b) => keep(new Date(b.hour * 3_600_000)));
      return picked.reduce((sum, b) => sum + Number(b.payoutMinor), 0) / picked.length;
    };
    expect(meanWhere((d) => d.getUTCHours() === 14)).toBeGreaterThan(2 * meanWhere((d) => d.getUTCHours() === 3));
    expect(meanWhere((d) => d.getUTCDay() === 0)).toBeLessThan(0.75 * meanWhere((d) => d.getUTCDay() === 3));
    const overall = meanWhere(() => true);
    expect(overall).toBeGreaterThan(1_800_000_000);
    expect(overall).toBeLessThan(2_800_000_000);
  });
});

describe('forecast items', () => {
  it('keep the lead-time sample paths exactly, so a scenario replays the same simulation', () => {
    const record = { chain: 'local-a', asset: 'USDC', status: 'ok', generatedAt: '2026-12-07T10:00:00.000Z', plan: { leadTimeHours: 3 } } as unknown as ForecastRecord;
    const paths = [Float64Array.of(1.25, 2.5, 3.75), Float64Array.of(0.1, 0.2, 0.3)];
    const { leadPaths } = forecastFromItem(forecastItem(record, paths));
    expect(leadPaths).toEqual(paths);
  });
});

describe('toLedgerUnits', () => {
  it('scales a token with more decimals down to ledger units, rounding down', () => {
    expect(toLedgerUnits(1_999_999_999_999_999_999n, 'USDC', 18)).toBe(1_999_999n);
    expect(toLedgerUnits(5_000_000n, 'USDC', 6)).toBe(5_000_000n);
  });
});
