import { formatUnits } from 'ethers';
import { ledgerDecimals } from '#ledger';
import type { ForecastRecord, PlanRecord } from '#treasury';

/** Minor units (a bigint's decimal string) as whole tokens, exactly. */
export function tokens(minor: string | bigint, asset: string): string {
  return formatUnits(BigInt(minor), ledgerDecimals[asset] ?? 0);
}

/** A model figure (minor units as a number) as whole tokens with two decimals: forecasts are not exact. */
function approx(minor: number, asset: string): string {
  return (minor / 10 ** (ledgerDecimals[asset] ?? 0)).toFixed(2);
}

export function describePlan(plan: PlanRecord, asset: string): string[] {
  const lines: [string, string][] = [
    ['hot wallet', plan.wallet],
    ['balance', `${tokens(plan.balanceMinor, asset)} ${asset} (minus ${plan.inFlightCount} payout(s) in flight, ${tokens(plan.inFlightMinor, asset)}: ${tokens(plan.availableMinor, asset)} available)`],
    ['lead time', `${plan.leadTimeHours} h`],
    ['expected outflow', `${tokens(plan.expectedOutflowMinor, asset)} ${asset} over the lead time`],
    [`needed (q ${plan.quantile})`, `${tokens(plan.requiredMinor, asset)} ${asset}`],
    ['top up', `${tokens(plan.topUpMinor, asset)} ${asset}`],
    ['runs dry', `${(plan.dryProbability * 100).toFixed(1)} % of ${plan.pathCount} simulated paths${plan.shortfall ? `: SHORTFALL (above ${plan.shortfallProbability * 100} %)` : ''}`],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

/** The forecast as a table: one row per hour, mean and the 80 % and 95 % bounds, in whole tokens. */
export function describeForecast(record: ForecastRecord, hours: number): string {
  const head = `${record.chain} ${record.asset}: forecast of ${record.generatedAt} from ${record.historyHours} h of history`;
  if (record.status !== 'ok') return `${head}\n  no forecast: fewer than 48 hours with payouts in the history window (seed one with \`lanepay forecast seed\`)`;
  const lines = [head + (record.strategy ? ` (${record.strategy})` : '')];
  if (record.plan) lines.push(...describePlan(record.plan, record.asset));
  else lines.push(`  no plan: ${record.planError ?? 'unknown'}`);
  const i80 = record.intervals.find((interval) => interval.level === 0.8);
  const i95 = record.intervals.find((interval) => interval.level === 0.95);
  const header = ['hour (UTC)', 'mean', 'lo80', 'hi80', 'lo95', 'hi95'];
  const rows = record.mean.slice(0, hours).map((mean, step) => [
    new Date(Date.parse(record.firstStepAt) + step * 3_600_000).toISOString().slice(0, 13).replace('T', ' ') + 'h',
    approx(mean, record.asset),
    ...[i80?.lower, i80?.upper, i95?.lower, i95?.upper].map((bound) => (bound ? approx(bound[step]!, record.asset) : '-')),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  lines.push('', [header, ...rows].map((row) => '  ' + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n'));
  return lines.join('\n');
}
