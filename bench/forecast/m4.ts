import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One M4 series: its training part and the held-out test part (never shown to the engine's fit). */
export interface M4Series {
  id: string;
  train: Float64Array;
  test: Float64Array;
}

/** Reads data/m4's wide CSVs (id, then values; empty cells pad the end). */
export function loadM4Hourly(directory: string): M4Series[] {
  const train = readWide(`${directory}/Hourly-train.csv`);
  const test = readWide(`${directory}/Hourly-test.csv`);
  return [...train].map(([id, values]) => {
    const future = test.get(id);
    if (future === undefined) throw new Error(`M4 series ${id} has no test part`);
    return { id, train: values, test: future };
  });
}

function readWide(path: string): Map<string, Float64Array> {
  const rows = parse(readFileSync(path, 'utf8'), { from_line: 2, relax_column_count: true }) as string[][];
  return new Map(rows.map((row) => [row[0]!, Float64Array.from(row.slice(1).filter((cell) => cell !== ''), Number)]));
}
