import { CsvError, parse } from 'csv-parse/sync';
import { defaultPeriods, forecastBatch } from './engine.js';
import { ForecastCsvError } from './errors.js';

export interface CsvForecastOptions {
  horizon: number;
  /** Seasonal periods in steps; default 24 and 168. */
  periods?: readonly number[];
}

/** Fewest points a series needs: two days of hourly steps. */
export const minimumSeriesLength = 48;
const inputHeader = ['series_id', 't', 'value'];
export const outputHeader = 'series_id,step,mean,lo80,hi80,lo95,hi95';

/**
 * Reads `series_id,t,value` rows (any order) into one array per series, ordered by t. Refuses, with
 * the offending line: a wrong header, a malformed row, a value that is not a finite number, a t that
 * is not a whole number ≥ 0, a repeated (series_id, t), a missing t (series must run 0, 1, 2, …
 * without gaps) and a series shorter than two days.
 */
export function parseSeriesCsv(text: string): Map<string, Float64Array> {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) throw new ForecastCsvError((error as CsvError & { lines?: number }).lines ?? 0, 'malformed_row', error.message, { cause: error });
    throw error;
  }
  const [header, ...rows] = records;
  if (header === undefined || header.record.join(',') !== inputHeader.join(',')) {
    throw new ForecastCsvError(header?.info.lines ?? 1, 'header', `the header must be ${inputHeader.join(',')}, got ${JSON.stringify(header?.record.join(',') ?? '')}`);
  }
  if (rows.length === 0) throw new ForecastCsvError(1, 'empty', 'the file has a header but no rows');

  const bySeries = new Map<string, Map<number, { value: number; line: number }>>();
  for (const { record, info } of rows) {
    const line = info.lines;
    const [id, stepText, valueText] = record as [string, string, string];
    if (record.length !== 3) throw new ForecastCsvError(line, 'malformed_row', `expected 3 fields (series_id,t,value), got ${record.length}`);
    if (id === '') throw new ForecastCsvError(line, 'malformed_row', 'series_id is empty');
    if (!/^\d+$/.test(stepText)) throw new ForecastCsvError(line, 'invalid_step', `t ${JSON.stringify(stepText)} is not a whole number ≥ 0`);
    const value = valueText === '' ? NaN : Number(valueText);
    if (!Number.isFinite(value)) throw new ForecastCsvError(line, 'non_numeric_value', `value ${JSON.stringify(valueText)} of series ${id} is not a number`);
    const steps = bySeries.get(id) ?? new Map<number, { value: number; line: number }>();
    bySeries.set(id, steps);
    const step = Number(stepText);
    const earlier = steps.get(step);
    if (earlier !== undefined) throw new ForecastCsvError(line, 'duplicate_step', `series ${id} has t=${step} already on line ${earlier.line}`);
    steps.set(step, { value, line });
  }

  const series = new Map<string, Float64Array>();
  for (const [id, steps] of bySeries) {
    const ordered = [...steps].sort((a, b) => a[0] - b[0]);
    const first = ordered[0]!;
    if (first[0] !== 0) throw new ForecastCsvError(first[1].line, 'gap', `series ${id} starts at t=${first[0]}; t must start at 0`);
    for (let index = 1; index < ordered.length; index++) {
      const [step, { line }] = ordered[index]!;
      if (step !== index) throw new ForecastCsvError(line, 'gap', `series ${id} jumps from t=${index - 1} to t=${step} (t=${index} is missing)`);
    }
    if (ordered.length < minimumSeriesLength) {
      throw new ForecastCsvError(first[1].line, 'too_short', `series ${id} has ${ordered.length} points; at least ${minimumSeriesLength} (two days) are needed`);
    }
    series.set(id, Float64Array.from(ordered, ([, { value }]) => value));
  }
  return series;
}

/**
 * The CSV tool: input text in, output text out (`series_id,step,mean,lo80,hi80,lo95,hi95`, step
 * 1..horizon, series in order of first appearance). Values are written with up to 6 decimals.
 * Throws ForecastCsvError before forecasting anything when the input is invalid.
 */
export function forecastCsv(text: string, options: CsvForecastOptions): string {
  const series = parseSeriesCsv(text);
  const ids = [...series.keys()];
  const batch = forecastBatch(
    ids.map((id) => series.get(id)!),
    { horizon: options.horizon, periods: options.periods ?? defaultPeriods, levels: [0.8, 0.95] },
  );
  const lines = [outputHeader];
  batch.forecasts.forEach((forecast, i) => {
    const [i80, i95] = forecast.intervals as [(typeof forecast.intervals)[0], (typeof forecast.intervals)[0]];
    for (let s = 0; s < options.horizon; s++) {
      const cells = [forecast.mean[s]!, i80.lower[s]!, i80.upper[s]!, i95.lower[s]!, i95.upper[s]!].map(formatNumber);
      lines.push([csvField(ids[i]!), String(s + 1), ...cells].join(','));
    }
  });
  return `${lines.join('\n')}\n`;
}

function formatNumber(value: number): string {
  return String(Number(value.toFixed(6)));
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
