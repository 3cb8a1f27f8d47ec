import { createHash } from 'node:crypto';
import { nameTokens, phoneticForm } from './normalize.js';
import {
  birthYearsFromRemarks, countriesFromRemarks, parseAddCsv, parseAltCsv, parseSdnCsv, type YearRange,
} from './sdn-csv.js';

/** Bumped whenever the serialised layout or the normalisation changes: an older index must be recompiled. */
export const sanctionsIndexFormat = 'lanepay-sanctions-index/1';

export interface SanctionsEntry {
  /** OFAC's entry number (ent_num). */
  id: number;
  /** The primary name as listed. */
  name: string;
  type: string;
  programs: string;
  birthYears: YearRange[];
  /** Nationality, citizenship and address countries, spelled as OFAC spells them. */
  countries: string[];
}

/**
 * The compiled list, plain JSON: entries, every name (primary and alternates) as token ids into
 * one vocabulary of normalised tokens. Compiled once per list version, loaded at cold start.
 */
export interface SerializedSanctionsIndex {
  format: typeof sanctionsIndexFormat;
  /** SHA-256 of the source files: the same files always give the same version. */
  version: string;
  list: 'SDN';
  entries: SanctionsEntry[];
  /**
   * [entry position in `entries`, name as listed, token ids, join ids]. joins[i] is the id of
   * tokens[i] + tokens[i + 1]; the last joins the last token to the first, since "LAST, First"
   * names are written "First Last" as often as not.
   */
  names: Array<[entry: number, name: string, tokens: number[], joins: number[]]>;
  /** Listed tokens first (ids below `tokenCount`), then joins that are not listed tokens. */
  vocab: string[];
  tokenCount: number;
  /** phoneticForm of each vocabulary entry, computed here so loading does not. */
  phonetic: string[];
}

/**
 * Compiles OFAC's legacy CSV files (the text of sdn.csv, alt.csv and optionally add.csv) into an
 * index for `loadSanctionsIndex`. Every entry type is kept (individuals, entities, vessels,
 * aircraft); alternate names of every kind (aka, fka, nka) are names of their entry.
 */
export function compileSanctionsIndex(sdnCsv: string, altCsv: string, addCsv?: string): SerializedSanctionsIndex {
  const version = createHash('sha256').update(sdnCsv).update('\0').update(altCsv).update('\0').update(addCsv ?? '').digest('hex');
  const entries: SanctionsEntry[] = [];
  const position = new Map<number, number>();
  for (const row of parseSdnCsv(sdnCsv)) {
    position.set(row.entNum, entries.length);
    entries.push({
      id: row.entNum, name: row.name, type: row.type, programs: row.programs,
      birthYears: birthYearsFromRemarks(row.remarks), countries: countriesFromRemarks(row.remarks),
    });
  }
  for (const row of addCsv ? parseAddCsv(addCsv) : []) {
    const entry = entries[position.get(row.entNum) ?? -1];
    if (entry && row.country && !entry.countries.includes(row.country)) entry.countries.push(row.country);
  }

  const vocab: string[] = [];
  const vocabIds = new Map<string, number>();
  const idOf = (token: string) => {
    let id = vocabIds.get(token);
    if (id === undefined) {
      id = vocab.length;
      vocab.push(token);
      vocabIds.set(token, id);
    }
    return id;
  };
  const tokenised: Array<[entry: number, name: string, tokens: string[]]> = [];
  const addName = (entry: number, name: string) => {
    const tokens = nameTokens(name);
    if (tokens.length === 0) return;
    tokens.forEach(idOf);
    tokenised.push([entry, name, tokens]);
  };
  entries.forEach((entry, i) => addName(i, entry.name));
  // Alternates of an entry missing from sdn.csv are dropped: there is nothing to report them under.
  for (const alt of parseAltCsv(altCsv)) {
    const entry = position.get(alt.entNum);
    if (entry !== undefined && alt.name) addName(entry, alt.name);
  }
  const tokenCount = vocab.length;
  const names: SerializedSanctionsIndex['names'] = tokenised.map(([entry, name, tokens]) => {
    const joins = tokens.length > 1 ? tokens.map((token, i) => idOf(token + tokens[(i + 1) % tokens.length]!)) : [];
    return [entry, name, tokens.map((token) => vocabIds.get(token)!), joins];
  });
  const phonetic = vocab.map(phoneticForm);
  return { format: sanctionsIndexFormat, version, list: 'SDN', entries, names, vocab, tokenCount, phonetic };
}
