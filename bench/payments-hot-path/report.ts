import fs from 'node:fs';
import path from 'node:path';
import type { Latency, Throughput } from './measure.js';

export interface OperationResult {
  flow: string;
  operation: string;
  /** From the sequential run: DynamoDB requests sent / calls. Exact, whatever the emulator. */
  requestsPerCall: number;
  sequential: Latency;
  /** 50 callers, each on its own merchant. */
  manyMerchants: Throughput & { requestsPerCall: number };
  /** 50 callers on one merchant. */
  oneMerchant: Throughput & { requestsPerCall: number };
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export function printTable(results: OperationResult[], notes: string[]): void {
  const header = ['flow', 'operation', 'DDB req/call', 'p50 ms', 'p99 ms', 'calls/s, 50 merchants', 'calls/s, 1 merchant'];
  const rows = results.map((r) => [
    r.flow,
    r.operation,
    fixed(r.requestsPerCall, 2),
    fixed(r.sequential.p50Ms),
    fixed(r.sequential.p99Ms),
    `${fixed(r.manyMerchants.perSecond)} (${r.manyMerchants.calls})`,
    `${fixed(r.oneMerchant.perSecond)} (${r.oneMerchant.calls})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // Text left, figures right.
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');
  for (const r of results) {
    const failed = [
      ['sequential', r.sequential],
      ['50 merchants', r.manyMerchants],
      ['1 merchant', r.oneMerchant],
    ] as const;
    for (const [where, run] of failed) {
      if (run.errors > 0) console.log(`!! ${r.flow} ${r.operation}, ${where}: ${run.errors} failed calls, first: ${run.firstError}`);
    }
  }
  for (const note of notes) console.log(note);
}

export function writeJson(file: string, document: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}
