import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetRowGroupRows, writeReportFile } from '#lib/reports/files.js';
import type { Row } from '#lib/reports/columns.js';
import { parquetRowGroups, readReportFile } from '../../support/duckdb.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-report-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const columns = ['id', 'amount', 'note', 'chain'];
// Cells a CSV writer must quote (comma, quote, line end) and non-ASCII text; amounts beyond 2^63.
const tricky: Row[] = [
  ['txn_1', '-123456789012345678901234567890', 'plain', 'local-a'],
  ['txn_2', '0', 'comma, "quote" and\r\nline', null],
  ['txn_3', '99999999999999999999999999999999999999', '退款 ✓', 'local-b'],
];

/** Rows in pages of `pageSize`, as the sources yield DynamoDB pages. */
async function* rowsOf(rows: Row[], pageSize = 2) {
  for (let start = 0; start < rows.length; start += pageSize) yield rows.slice(start, start + pageSize);
}

async function write(format: 'csv' | 'parquet', rows: AsyncIterable<Row[]>, name: string) {
  const file = path.join(dir, name);
  const count = await writeReportFile(format, columns, rows, fs.createWriteStream(file));
  return { file, count };
}

const asObjects = (rows: Row[]) => rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row[i] ?? null])));

describe('writeReportFile', () => {
  it('writes CSV that DuckDB reads back cell for cell: header, quoting, long amounts as text, a null as an empty field', async () => {
    const { file, count } = await write('csv', rowsOf(tricky), 'tricky.csv');

    expect(count).toBe(3);
    const read = await readReportFile(file, 'csv');
    expect(read.columns).toEqual(columns);
    expect(read.rows).toEqual(asObjects(tricky));
    expect(fs.readFileSync(file, 'utf8').split('\r\n')[0]).toBe('id,amount,note,chain');
  });

  it('writes Parquet that DuckDB reads back cell for cell, nulls kept as nulls', async () => {
    const { file, count } = await write('parquet', rowsOf(tricky), 'tricky.parquet');

    expect(count).toBe(3);
    const read = await readReportFile(file, 'parquet');
    expect(read.columns).toEqual(columns);
    expect(read.rows).toEqual(asObjects(tricky));
  });

  it('writes Parquet in row groups of a fixed size as rows arrive, the last one partial', async () => {
    const total = parquetRowGroupRows * 2 + 7;
    const many = Array.from({ length: total }, (_, i): Row => [`txn_${String(i).padStart(6, '0')}`, String(i * 1000), null, 'local-a']);
    // Pages of 1,000 (DynamoDB's page here) do not line up with row groups of 20,000: groups are cut from them.
    const { file, count } = await write('parquet', rowsOf(many, 1000), 'many.parquet');

    expect(count).toBe(total);
    expect(await parquetRowGroups(file)).toBe(3);
    const read = await readReportFile(file, 'parquet');
    expect(read.rows).toHaveLength(total);
    expect(read.rows[total - 1]).toEqual({ id: `txn_${String(total - 1).padStart(6, '0')}`, amount: String((total - 1) * 1000), note: null, chain: 'local-a' });
  });

  it('writes a header and no rows, and an empty Parquet file with the columns, for an empty interval', async () => {
    const csv = await write('csv', rowsOf([]), 'empty.csv');
    const parquet = await write('parquet', rowsOf([]), 'empty.parquet');

    expect([csv.count, parquet.count]).toEqual([0, 0]);
    expect(fs.readFileSync(csv.file, 'utf8')).toBe('id,amount,note,chain\r\n');
    expect(await readReportFile(parquet.file, 'parquet')).toEqual({ columns, rows: [] });
  });

  it('fails, and ends no file as complete, when reading the rows fails midway', async () => {
    async function* failing() {
      yield [tricky[0]!];
      throw new Error('DynamoDB went away');
    }
    for (const format of ['csv', 'parquet'] as const) {
      const out = fs.createWriteStream(path.join(dir, `failing.${format}`));
      const errors: Error[] = [];
      out.on('error', (error) => errors.push(error));
      const closed = new Promise<void>((resolve) => out.on('close', () => resolve()));

      await expect(writeReportFile(format, columns, failing(), out)).rejects.toThrow('DynamoDB went away');
      await closed;
      expect(out.destroyed).toBe(true);
      expect(out.writableFinished).toBe(false);
      expect(errors.map((e) => e.message)).toEqual(['DynamoDB went away']);
    }
  });
});
