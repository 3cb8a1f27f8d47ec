import { parse } from 'csv-parse/sync';
import { SanctionsListFormatError } from '../errors.js';

/**
 * Readers for OFAC's legacy CSV files (sdn.csv, alt.csv, add.csv): no header, `-0- ` for empty
 * cells, a DOS end-of-file byte at the end. The column count is checked on every row so a changed
 * layout fails loudly instead of being misread.
 */

export interface SdnRow {
  entNum: number;
  name: string;
  /** "individual", "vessel", "aircraft", or "entity" (OFAC leaves it empty for entities). */
  type: string;
  programs: string;
  remarks: string;
}

export interface AltRow {
  entNum: number;
  altNum: number;
  /** aka, fka or nka. */
  altType: string;
  name: string;
}

export interface AddRow {
  entNum: number;
  country: string;
}

function rows(text: string, file: 'sdn' | 'alt' | 'add', columns: number): string[][] {
  const body = text.replace(/\x1a\s*$/, '');
  let parsed: string[][];
  try {
    parsed = parse(body, { relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    throw new SanctionsListFormatError(file, 0, `not CSV (${(error as Error).message})`);
  }
  parsed.forEach((row, i) => {
    if (row.length !== columns) throw new SanctionsListFormatError(file, i + 1, `${row.length} columns, expected ${columns}`);
    if (!/^\d+$/.test(row[0]!.trim())) throw new SanctionsListFormatError(file, i + 1, `entry number "${row[0]}" is not a number`);
  });
  return parsed;
}

function cell(row: string[], index: number): string {
  const value = (row[index] ?? '').trim();
  return value === '-0-' ? '' : value;
}

export function parseSdnCsv(text: string): SdnRow[] {
  return rows(text, 'sdn', 12).map((row) => ({
    entNum: Number(cell(row, 0)),
    name: cell(row, 1),
    type: cell(row, 2) || 'entity',
    programs: cell(row, 3),
    remarks: cell(row, 11),
  }));
}

export function parseAltCsv(text: string): AltRow[] {
  return rows(text, 'alt', 5).map((row) => ({
    entNum: Number(cell(row, 0)),
    altNum: Number(cell(row, 1)),
    altType: cell(row, 2),
    name: cell(row, 3),
  }));
}

export function parseAddCsv(text: string): AddRow[] {
  return rows(text, 'add', 6).map((row) => ({ entNum: Number(cell(row, 0)), country: cell(row, 4) }));
}

/** Inclusive birth-year range; a single year is a range of one, "circa" widens it by two years. */
export type YearRange = [from: number, to: number];

/**
 * Birth years from SDN remarks: "DOB 10 Dec 1948", "DOB 1960", "DOB circa 1958",
 * "DOB 1960 to 1962", "DOB 01 Jan 1960 to 31 Dec 1962", each possibly repeated as "alt. DOB".
 */
export function birthYearsFromRemarks(remarks: string): YearRange[] {
  const ranges: YearRange[] = [];
  for (const match of remarks.matchAll(/DOB ([^;]+)/g)) {
    const text = match[1]!;
    const years = [...text.matchAll(/\b(1[89]\d\d|20\d\d)\b/g)].map((m) => Number(m[1]));
    if (years.length === 0) continue;
    const circa = /circa/i.test(text) ? 2 : 0;
    ranges.push([Math.min(...years) - circa, Math.max(...years) + circa]);
  }
  return ranges;
}

/** Countries named in SDN remarks as "nationality X" or "citizen X". */
export function countriesFromRemarks(remarks: string): string[] {
  return [...remarks.matchAll(/(?:nationality|citizen) ([^;.]+)/g)].map((m) => m[1]!.trim());
}
