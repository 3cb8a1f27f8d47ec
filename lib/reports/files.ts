import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
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
 * Writes `rows` to `out` as `format` while they are read, and ends `out`; resolves with the number
 * of rows. Never holds more than a row group (Parquet) or the stream's buffer (CSV): `out`'s
 * backpressure pauses the reading of `rows`.
 */
export async function writeReportFile(format: ReportFormat, columns: readonly string[], rows: AsyncIterable<Row>, out: Writable): Promise<number> {
  try {
    return await (format === 'csv' ? writeCsv(columns, rows, out) : writeParquet(columns, rows, out));
  } catch (error) {
    // A half-written file is never ended as if complete: destroying `out` aborts an S3 upload.
    out.destroy(error as Error);
    throw error;
  }
}

async function writeCsv(columns: readonly string[], rows: AsyncIterable<Row>, out: Writable): Promise<number> {
  let count = 0;
  async function* counted() {
    for await (const row of rows) {
      count++;
      yield row;
    }
  }
  // RFC 4180: a header line, CRLF line ends, fields quoted when they hold a comma, quote or line end.
  await pipeline(Readable.from(counted()), stringify({ header: true, columns: [...columns], record_delimiter: 'windows' }), out);
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

async function writeParquet(columns: readonly string[], rows: AsyncIterable<Row>, out: Writable): Promise<number> {
  const writer = new StreamByteWriter(out);
  const parquet = new ParquetWriter({
    writer,
    // Every column optional UTF-8 text: amounts are exact decimal strings (see columns.ts).
    schema: [
      { name: 'root', num_children: columns.length },
      ...columns.map((name) => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const })),
    ],
    createdBy: 'lanepay reports',
  });
  let group: Row[] = [];
  let count = 0;
  const writeGroup = async () => {
    if (group.length === 0) return;
    const columnData = columns.map((name, i) => ({ name, data: group.map((row) => row[i] ?? null) }));
    const rowGroupSize = group.length;
    group = [];
    await parquet.write({ columnData, rowGroupSize });
  };
  for await (const row of rows) {
    group.push(row);
    count++;
    if (group.length === parquetRowGroupRows) await writeGroup();
  }
  await writeGroup();
  parquet.finish();
  out.end();
  await once(out, 'finish');
  return count;
}
