// One report built in a process of its own, so its peak memory is its own: `tsx bench/reports/one-report.ts --rows N --format csv|parquet`.
// Prints one JSON line: rows, seconds, bytes, peak RSS and peak heap (sampled every 10 ms).
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { reportColumns } from '#lib/reports/columns.js';
import { writeReportFile } from '#lib/reports/files.js';
import { balanceTransactionRows } from '#lib/reports/sources.js';
import { generatedBalanceTransactions } from './generated-table.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, format: { type: 'string', default: 'csv' } } });
const rows = Number(values.rows);
const format = values.format === 'parquet' ? 'parquet' : 'csv';

const merchantId = 'mer_01kbench00000000000000000';
const startMs = Date.parse('2026-01-01T00:00:00Z');
const deps = { dynamodb: generatedBalanceTransactions(merchantId, rows, startMs), tableName: 'bench' };
const interval = { start: new Date(startMs).toISOString(), end: new Date(startMs + rows * 30 + 1).toISOString() };

// Where the S3 upload would be: a sink that counts bytes and lets them go, a little slower than
// memory (it yields to the event loop per chunk), so backpressure is exercised as an upload's is.
let bytes = 0;
const sink = new Writable({
  highWaterMark: 1 << 20,
  write(chunk: Buffer, _encoding, done) {
    bytes += chunk.length;
    setImmediate(done);
  },
});

let peakHeap = 0;
let peakRss = 0;
const sample = () => {
  const { heapUsed, rss } = process.memoryUsage();
  peakHeap = Math.max(peakHeap, heapUsed);
  peakRss = Math.max(peakRss, rss);
};
sample();
const baselineRss = process.memoryUsage().rss;
const sampler = setInterval(sample, 10);
const started = process.hrtime.bigint();
const written = await writeReportFile(format, reportColumns.balance_transactions, balanceTransactionRows(deps, merchantId, interval), sink);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(sampler);
sample();
if (written !== rows) throw new Error(`wrote ${written} rows, expected ${rows}`);
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
console.log(JSON.stringify({ rows, format, seconds, bytes, baselineRssMb: mb(baselineRss), peakRssMb: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)), peakHeapMb: mb(peakHeap) }));
