import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { Row } from './columns.js';
import type { ReportFormat } from './schemas.js';

/**
 * Rows per Parquet row group: what one writer holds before it encodes and flushes them. Small
 * enough that memory stays flat (a few MB per group whatever the report's size), large enough for
 * readers' column statistics to skip groups.
 */
export const parquetRowGroupRows = 20_000;

/**
 * Writes `pages` of rows (a DynamoDB page's worth at a time) to `out` as `format` while they are
 * read, and ends `out`; resolves with the number of rows. Never holds more than a row group
 * (Parquet) or a page (CSV): `out`'s backpressure pauses the reading. On a failure `out` is
 * destroyed, never ended as if complete (an S3 upload is then aborted).
 */
export async function writeReportFile(format: ReportFormat, columns: readonly string[], pages: AsyncIterable<Row[]>, out: Writable): Promise<number> {
  try {
    const count = await (format === 'csv' ? writeCsv(columns, pages, out) : writeParquet(columns, pages, out));
    out.end();
    await once(out, 'finish');
    return count;
  } catch (error) {
    out.destroy(error as Error);
    throw error;
  }
}

/** Writes a chunk, waiting for the stream to drain when its buffer is full (backpressure). */
async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function writeCsv(columns: readonly string[], pages: AsyncIterable<Row[]>, out: Writable): Promise<number> {
  // RFC 4180 (csv-stringify): CRLF line ends, fields quoted when they hold a comma, quote or line end.
  const options = { record_delimiter: 'windows' as const };
  await write(out, stringify([[...columns]], options));
  let count = 0;
  for await (const rows of pages) {
    if (rows.length === 0) continue;
    count += rows.length;
    await write(out, stringify(rows, options));
  }
  return count;
}

/** hyparquet-writer's ByteWriter, flushed to a stream after every row group (the writer calls flush). */
class StreamByteWriter extends ByteWriter {
  constructor(private readonly out: Writable) {
    super(1 << 20);
  }

  flush(): Promise<void> | undefined {
    if (this.index === 0) return undefined;
    const chunk = Buffer.from(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.out.write(chunk) ? undefined : once(this.out, 'drain').then(() => undefined);
  }

  override finish(): void {
    void this.flush();
  }
}

async function writeParquet(columns: readonly string[], pages: AsyncIterable<Row[]>, out: Writable): Promise<number> {
  const parquet = new ParquetWriter({
    writer: new StreamByteWriter(out),
    // Every column optional UTF-8 text: amounts are exact decimal strings (see columns.ts).
    schema: [
      { name: 'root', num_children: columns.length },
      ...columns.map((name) => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const })),
    ],
    createdBy: 'lanepay reports',
  });
  let group: Row[] = [];
  let count = 0;
  const writeGroup = async (rows: Row[]) => {
    const columnData = columns.map((name, i) => ({ name, data: rows.map((row) => row[i] ?? null) }));
    await parquet.write({ columnData, rowGroupSize: rows.length });
  };
  for await (const rows of pages) {
    count += rows.length;
    group.push(...rows);
    while (group.length >= parquetRowGroupRows) {
      await writeGroup(group.slice(0, parquetRowGroupRows));
      group = group.slice(parquetRowGroupRows);
    }
  }
  if (group.length > 0) await writeGroup(group);
  parquet.finish();
  return count;
}
