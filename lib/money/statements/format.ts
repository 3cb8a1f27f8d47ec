import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/**
 * A statement file (docs/statements.md): a few `#` header lines, a CSV header and one row per
 * balance transaction, then `# signature <base64>`, the audit key's signature over every byte
 * before that line. Each row carries the audit record that booked it and, once a closed period
 * covers the record, its inclusion proof and anchor, so it is checked with the file alone.
 */
export const statementColumns = [
  'id', 'created', 'type', 'asset', 'amount', 'fee', 'net', 'balance_after', 'source', 'chain', 'tx_hash', 'transfer_id',
  // The transaction that moved the money on chain (a deposit's, a payout's, a refund's), and what it must have paid.
  'chain_id', 'token', 'chain_tx_hash',
  // The audit record written in the balance transaction's own DynamoDB transaction.
  'record_id', 'record_json', 'lane_gap',
  // Its inclusion proof (RFC 6962 paths, hex) in a closed period, the period's signed digest and its anchor.
  'lane_leaf_index', 'lane_size', 'lane_path', 'lane_root',
  'period_leaf_json', 'period_leaf_index', 'period_size', 'period_path', 'period_root', 'period_digest_json', 'period_signature',
  'anchor_chain_id', 'anchor_tx_hash', 'anchor_from',
] as const;
export type StatementColumn = (typeof statementColumns)[number];
export type StatementRow = Record<StatementColumn, string>;

export interface StatementHeader {
  merchantId: string;
  from: string;
  to: string;
  createdAt: string;
}

const magic = '# lanepay statement 1';
const signaturePrefix = '# signature ';

/** The file's text before its signature line: what the signature is over. */
export function statementBody(header: StatementHeader, rows: StatementRow[]): string {
  const lines = [magic, `# merchant ${header.merchantId}`, `# from ${header.from}`, `# to ${header.to}`, `# created ${header.createdAt}`];
  const table = stringify([[...statementColumns], ...rows.map((row) => statementColumns.map((column) => row[column]))], { record_delimiter: '\n' });
  return `${lines.join('\n')}\n${table}`;
}

export function signedStatement(body: string, signatureBase64: string): string {
  return `${body}${signaturePrefix}${signatureBase64}\n`;
}

/** Where the header lines end: data row k (1-based) is this plus k + 1 in the file (after the CSV header). */
export const headerLineCount = 5;

export interface ParsedStatement {
  header: StatementHeader;
  rows: StatementRow[];
  /** The text the signature is over, as read. */
  body: string;
  signature: string;
}

export class StatementFormatError extends Error {
  override name = 'StatementFormatError';
}

/** Reads a statement file; throws StatementFormatError for one that is not one (never a partial read). */
export function parseStatement(text: string): ParsedStatement {
  const at = text.lastIndexOf(`\n${signaturePrefix}`);
  if (at < 0) throw new StatementFormatError('the file has no `# signature` line');
  const body = text.slice(0, at + 1);
  const signature = text.slice(at + 1 + signaturePrefix.length).trim();
  const lines = body.split('\n');
  if (lines[0] !== magic) throw new StatementFormatError(`the file does not start with "${magic}"`);
  const value = (index: number, name: string) => {
    const line = lines[index] ?? '';
    if (!line.startsWith(`# ${name} `)) throw new StatementFormatError(`line ${index + 1} should be "# ${name} …"`);
    return line.slice(name.length + 3);
  };
  const header = { merchantId: value(1, 'merchant'), from: value(2, 'from'), to: value(3, 'to'), createdAt: value(4, 'created') };
  let records: string[][];
  try {
    records = parse(lines.slice(headerLineCount).join('\n'), { relax_column_count: false });
  } catch (error) {
    if (error instanceof CsvError) throw new StatementFormatError(`the table is not CSV: ${error.message}`);
    throw error;
  }
  const [columns, ...cells] = records;
  if (columns?.join(',') !== statementColumns.join(',')) throw new StatementFormatError('the table\'s columns are not a statement\'s');
  const rows = cells.map((row) => Object.fromEntries(statementColumns.map((column, i) => [column, row[i] ?? ''])) as StatementRow);
  return { header, rows, body, signature };
}
