/**
 * Extracts the EVM addresses from OFAC's SDN list (legacy CSV) into lib/compliance/risk/ofac-addresses.json,
 * the list the risk engine screens payout destinations against.
 *
 *   npx tsx scripts/ofac-extract.ts [path-to-sdn.csv]
 *
 * Only EVM addresses are kept because Lanepay only pays out on EVM chains; other currencies are
 * counted and reported so a shrinking or growing list is noticed when the snapshot is refreshed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';

export interface OfacAddress {
  address: string;
  entNum: number;
  name: string;
  currency: string;
}

export interface OfacExtraction {
  addresses: OfacAddress[];
  /** Well-formed addresses of non-EVM currencies, counted per currency code. */
  nonEvmByCurrency: Record<string, number>;
  /** 0x addresses that are not 20 bytes of hex (typos in the list itself); never guessed at. */
  malformed: Array<{ entNum: number; currency: string; address: string }>;
  /** Same address listed more than once (e.g. under both ETH and ETC); only the first is kept. */
  duplicates: OfacAddress[];
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultSdnPath = path.join(repoRoot, 'data', 'ofac', 'sdn.csv');
const outputPath = path.join(repoRoot, 'lib', 'compliance', 'risk', 'ofac-addresses.json');
const source = 'U.S. Treasury OFAC SDN list (legacy CSV), snapshot of July 2021, data/ofac/sdn.csv';

const SDN_COLUMNS = 12;
const ENT_NUM = 0;
const NAME = 1;
const REMARKS = 11;
const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
// The address runs to the next ';' (or the end of the remarks); the final remark ends with '.'.
const CURRENCY_ADDRESS = /Digital Currency Address - ([A-Za-z0-9]+) ([^\s;]+)/g;

/** OFAC writes empty cells as `-0-` (with a trailing space in the legacy format). */
function cell(row: string[], index: number): string {
  const value = (row[index] ?? '').trim();
  return value === '-0-' ? '' : value;
}

export function extractEvmAddresses(csvText: string): OfacExtraction {
  // The legacy files end with a DOS end-of-file byte (0x1A) that would otherwise parse as a row.
  const text = csvText.replace(/\x1a\s*$/, '');
  // Strict column count: if OFAC changes the layout we want to fail, not silently misread remarks.
  const rows: string[][] = parse(text, { relax_column_count: false, skip_empty_lines: true });

  const byAddress = new Map<string, OfacAddress>();
  const extraction: OfacExtraction = { addresses: [], nonEvmByCurrency: {}, malformed: [], duplicates: [] };
  for (const row of rows) {
    if (row.length !== SDN_COLUMNS) throw new Error(`SDN row has ${row.length} columns, expected ${SDN_COLUMNS}`);
    const entNum = Number(cell(row, ENT_NUM));
    if (!Number.isSafeInteger(entNum)) throw new Error(`SDN row has a non-numeric ent_num: ${row[ENT_NUM]}`);
    const name = cell(row, NAME);
    for (const match of cell(row, REMARKS).matchAll(CURRENCY_ADDRESS)) {
      const currency = (match[1] ?? '').toUpperCase();
      const address = (match[2] ?? '').replace(/\.+$/, '');
      if (EVM_ADDRESS.test(address)) {
        const entry = { address: address.toLowerCase(), entNum, name, currency };
        if (byAddress.has(entry.address)) extraction.duplicates.push(entry);
        else byAddress.set(entry.address, entry);
      } else if (/^0x/i.test(address)) {
        extraction.malformed.push({ entNum, currency, address });
      } else {
        extraction.nonEvmByCurrency[currency] = (extraction.nonEvmByCurrency[currency] ?? 0) + 1;
      }
    }
  }
  extraction.addresses = [...byAddress.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return extraction;
}

function main(sdnPath: string): void {
  const extraction = extractEvmAddresses(readFileSync(sdnPath, 'utf8'));
  const document = { source, extractedAt: new Date().toISOString(), addresses: extraction.addresses };
  writeFileSync(outputPath, `${JSON.stringify(document, null, 2)}\n`);

  console.log(`Wrote ${extraction.addresses.length} EVM addresses to ${path.relative(process.cwd(), outputPath)}`);
  const nonEvm = Object.entries(extraction.nonEvmByCurrency).sort(([a], [b]) => a.localeCompare(b));
  const nonEvmTotal = nonEvm.reduce((sum, [, count]) => sum + count, 0);
  console.log(
    `Skipped ${nonEvmTotal} non-EVM addresses (Lanepay only pays out on EVM chains): ` +
      nonEvm.map(([currency, count]) => `${currency} ${count}`).join(', '),
  );
  for (const bad of extraction.malformed) {
    console.warn(`Skipped malformed address ${bad.address} (${bad.currency}, ent_num ${bad.entNum}): not 0x + 40 hex digits`);
  }
  for (const dup of extraction.duplicates) {
    console.log(`Merged duplicate ${dup.address} (${dup.currency}, ent_num ${dup.entNum}) into the earlier entry`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(path.resolve(process.argv[2] ?? defaultSdnPath));
}
