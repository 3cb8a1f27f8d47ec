import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Reads a report file back with DuckDB, as an analyst would: every row as an object of its columns
 * (text or null), in file order. CSV is read with every column as text and empty fields as null,
 * so a number-looking amount keeps its digits.
 */
export async function readReportFile(file: string, format: 'csv' | 'parquet'): Promise<{ columns: string[]; rows: Record<string, string | null>[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const quoted = `'${file.replaceAll("'", "''")}'`;
    const source = format === 'parquet' ? `read_parquet(${quoted})` : `read_csv(${quoted}, header = true, all_varchar = true)`;
    const reader = await connection.runAndReadAll(`SELECT * FROM ${source}`);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Record<string, string | null>[] };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** How many row groups a Parquet file has, from its own metadata. */
export async function parquetRowGroups(file: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT count(DISTINCT row_group_id) AS groups FROM parquet_metadata('${file.replaceAll("'", "''")}')`);
    return Number(reader.getRowObjectsJS()[0]!.groups);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
