import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { forecastCsv, ForecastCsvError } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { requiredOption } from '../stage.js';

export default defineCommand({
  name: 'forecast csv',
  description: 'Forecasts every series of a CSV (series_id,t,value) with 80/95 % intervals; offline, any stage',
  options: {
    input: { type: 'string' },
    horizon: { type: 'string' },
    out: { type: 'string' },
    season: { type: 'string', default: '24,168' },
  },
  async run({ values, print }) {
    const input = requiredOption(values.input, 'input', 'flows.csv');
    const out = requiredOption(values.out, 'out', 'forecast.csv');
    const horizon = positiveInteger(requiredOption(values.horizon, 'horizon', '48'), 'horizon');
    const periods = values.season.split(',').map((part) => positiveInteger(part.trim(), 'season'));
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch (error) {
      throw new StackError(`--input ${input} cannot be read: ${(error as Error).message}`);
    }
    let output: string;
    try {
      output = forecastCsv(text, { horizon, periods });
    } catch (error) {
      if (error instanceof ForecastCsvError) throw new StackError(`${input}: ${error.message}. Nothing was written.`);
      throw error;
    }
    // Write then rename: a reader of --out never sees a half-written file, and a failure leaves none.
    const staging = `${out}.${process.pid}.tmp`;
    writeFileSync(staging, output);
    renameSync(staging, out);
    print(`Wrote ${output.split('\n').length - 2} rows (horizon ${horizon}) to ${out}.`);
    return 0;
  },
});

function positiveInteger(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new StackError(`--${option} ${JSON.stringify(text)} must be a whole number ≥ 1.`);
  return Number(text);
}
