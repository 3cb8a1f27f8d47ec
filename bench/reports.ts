// `npm run bench:reports [-- --sizes 100000,300000,1000000 --formats csv,parquet]`
//
// A balance_transactions report over up to a million balance transactions generated locally
// (bench/reports/generated-table.ts: DynamoDB pages made on the fly), written as CSV and Parquet by
// the reports function's own code (lib/reports: page reading, row decoding, csv-stringify or
// hyparquet-writer row groups) into a byte-counting sink where the S3 upload would be. Each report
// runs in a process of its own, so its peak RSS and heap are its own: they must stay flat as rows
// grow (streamed, never built in memory). Prints rows per second and memory per size, and the load.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,300000,1000000' },
    formats: { type: 'string', default: 'csv,parquet' },
    // The proof that the live set is bounded: the largest size again under this V8 heap cap (0: skip).
    'heap-cap-mb': { type: 'string', default: '96' },
  },
});
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

interface Run { rows: number; format: string; seconds: number; bytes: number; baselineRssMb: number; peakRssMb: number; peakHeapMb: number; heapCapMb?: number }

function report(format: string, rows: number, heapCapMb?: number): Run {
  const flags = heapCapMb ? [`--max-old-space-size=${heapCapMb}`] : [];
  const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', path.join(here, 'reports', 'one-report.ts'), '--rows', String(rows), '--format', format], { cwd: repoRoot, encoding: 'utf8' });
  const run = { ...(JSON.parse(out.trim().split('\n').at(-1)!) as Run), ...(heapCapMb ? { heapCapMb } : {}) };
  console.error(`  ${format} ${rows} rows${heapCapMb ? ` (heap capped at ${heapCapMb} MB)` : ''}: ${(rows / run.seconds).toFixed(0)} rows/s, peak RSS ${run.peakRssMb} MB (at start ${run.baselineRssMb} MB), peak heap ${run.peakHeapMb} MB   load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return run;
}

const sizes = values.sizes.split(',').map(Number);
const runs: Run[] = [];
for (const format of values.formats.split(',')) {
  for (const rows of sizes) runs.push(report(format, rows));
  // Heap peaks include garbage V8 has not collected yet; under a cap it must collect, and a report
  // that held its rows would die of it (V8 aborts past the cap).
  if (Number(values['heap-cap-mb']) > 0) runs.push(report(format, Math.max(...sizes), Number(values['heap-cap-mb'])));
}

console.log(`\nbalance_transactions report, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}\n`);
console.log('| format | rows | V8 heap cap | seconds | rows/s | file MB | peak RSS MB | peak heap MB |');
console.log('|---|---|---|---|---|---|---|---|');
for (const run of runs) {
  console.log(`| ${run.format} | ${run.rows.toLocaleString('en')} | ${run.heapCapMb ? `${run.heapCapMb} MB` : 'none'} | ${run.seconds.toFixed(1)} | ${Math.round(run.rows / run.seconds).toLocaleString('en')} | ${(run.bytes / 1024 / 1024).toFixed(1)} | ${run.peakRssMb} | ${run.peakHeapMb} |`);
}
