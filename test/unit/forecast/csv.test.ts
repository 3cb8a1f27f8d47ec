import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forecastCsv, outputHeader, parseSeriesCsv } from '#lib/treasury/forecast/csv.js';
import { ForecastCsvError } from '#lib/treasury/forecast/errors.js';
import forecastCsvCommand from '../../../bin/commands/forecast-csv.js';
import { StackError } from '../../../scripts/stack/errors.js';

function rows(id: string, length: number, value = (t: number) => 10 + (t % 24)): string[] {
  return Array.from({ length }, (_, t) => `${id},${t},${value(t)}`);
}

function csv(lines: string[]): string {
  return ['series_id,t,value', ...lines].join('\n') + '\n';
}

function csvError(text: string): ForecastCsvError {
  try {
    parseSeriesCsv(text);
  } catch (error) {
    if (error instanceof ForecastCsvError) return error;
    throw error;
  }
  throw new Error('expected a ForecastCsvError');
}

describe('parseSeriesCsv', () => {
  it('orders each series by t whatever the row order', () => {
    const series = parseSeriesCsv(csv([...rows('a', 48)].reverse()));

    expect([...series.get('a')!.subarray(0, 3)]).toEqual([10, 11, 12]);
  });

  it.each([
    ['a wrong header', 'id,t,value\na,0,1\n', 1, 'header'],
    ['a non-numeric value', csv([...rows('a', 10), 'a,10,abc', ...rows('b', 48)]), 12, 'non_numeric_value'],
    ['an empty value', csv([...rows('a', 3), 'a,3,']), 5, 'non_numeric_value'],
    ['a t that is not a whole number', csv(['a,1.5,3']), 2, 'invalid_step'],
    ['a row with too many fields', csv(['a,0,1,2']), 2, 'malformed_row'],
    ['a duplicate (series_id, t)', csv([...rows('a', 48), 'a,7,99']), 50, 'duplicate_step'],
    ['a gap in t', csv([...rows('a', 48).filter((row) => !row.startsWith('a,20,'))]), 22, 'gap'],
    ['a series not starting at t=0', csv(rows('a', 49).slice(1)), 2, 'gap'],
    ['a series shorter than two days', csv([...rows('a', 48), ...rows('b', 47)]), 50, 'too_short'],
  ])('refuses %s, naming line %#', (_, text, line, reason) => {
    const error = csvError(text);

    expect(error.reason).toBe(reason);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^line ${line}: `));
  });
});

describe('forecastCsv', () => {
  it('writes the header and one row per series and step', () => {
    const output = forecastCsv(csv([...rows('a', 96), ...rows('b', 72)]), { horizon: 5 });

    const lines = output.trim().split('\n');
    expect(lines[0]).toBe(outputHeader);
    expect(lines).toHaveLength(1 + 2 * 5);
    expect(lines[1]).toMatch(/^a,1,/);
    expect(lines[6]).toMatch(/^b,1,/);
  });

  it('orders each row as mean inside lo80..hi80 inside lo95..hi95', () => {
    const noisy = rows('a', 24 * 21, (t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 24) + ((t * 7919) % 13));

    const output = forecastCsv(csv(noisy), { horizon: 24 });

    for (const line of output.trim().split('\n').slice(1)) {
      const [mean, lo80, hi80, lo95, hi95] = line.split(',').slice(2).map(Number) as [number, number, number, number, number];
      expect(lo95 <= lo80 && lo80 <= mean && mean <= hi80 && hi80 <= hi95).toBe(true);
    }
  });
});

describe('lanepay forecast csv', () => {
  const print = () => undefined;
  const values = (input: string, out: string) => ({ input, out, horizon: '6', season: '24,168', stage: 'local', help: false });

  it('writes the forecast to --out', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'forecast-csv-'));
    const input = join(directory, 'in.csv');
    const out = join(directory, 'out.csv');
    writeFileSync(input, csv(rows('a', 72)));

    const code = await forecastCsvCommand.run({ stage: 'local', values: values(input, out), positionals: [], print });

    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(outputHeader);
  });

  it('names the row and writes nothing when the input is invalid', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'forecast-csv-'));
    const input = join(directory, 'in.csv');
    const out = join(directory, 'out.csv');
    writeFileSync(input, csv([...rows('a', 72), 'a,3,7']));

    const run = forecastCsvCommand.run({ stage: 'local', values: values(input, out), positionals: [], print });

    await expect(run).rejects.toThrow(StackError);
    await expect(run).rejects.toThrow(/line 74: series a has t=3 already on line 5\. Nothing was written\./);
    expect(existsSync(out)).toBe(false);
  });
});
