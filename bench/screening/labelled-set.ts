import { parse } from 'csv-parse/sync';
import { givenNames, surnames } from './common-names.js';
import { pick, seededRandom } from './random.js';
import { applyVariant, cosmetic, naturalOrder, variantKinds, type VariantKind } from './variants.js';

/**
 * Builds a labelled screening set from the SDN files: listed individuals' names under generated
 * variation (positives, labelled with their entry), and common names that are not on the list
 * (negatives). Reads the CSVs itself so nothing here comes from lib/compliance/kyc.
 */

export interface LabelledName {
  name: string;
  /** The OFAC entry the name must hit; null for a name that is not listed. */
  entryId: number | null;
  /** Variations applied (positives), or 'not_listed'. */
  kinds: string[];
  /** A listed birth year of the entry, when the remarks give one. */
  birthYear?: number;
}

interface ListedName {
  entryId: number;
  name: string;
  individual: boolean;
}

function csvRows(text: string): string[][] {
  return (parse(text.replace(/\x1a\s*$/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][]).filter((r) => r.length > 4);
}

export function listedNames(sdnCsv: string, altCsv: string): { names: ListedName[]; birthYears: Map<number, number> } {
  const individuals = new Set<number>();
  const birthYears = new Map<number, number>();
  const names: ListedName[] = [];
  for (const row of csvRows(sdnCsv)) {
    const id = Number(row[0]);
    const individual = row[2]!.trim() === 'individual';
    if (individual) individuals.add(id);
    const year = /DOB (?:\d\d \w{3} )?(\d{4})(?:;|$|\.)/.exec(row[11] ?? '');
    if (year) birthYears.set(id, Number(year[1]));
    names.push({ entryId: id, name: row[1]!.trim(), individual });
  }
  for (const row of csvRows(altCsv)) {
    const id = Number(row[0]);
    names.push({ entryId: id, name: row[3]!.trim(), individual: individuals.has(id) });
  }
  return { names, birthYears };
}

const honorifics = /^(haji|hajji|hadji|dr\.?|mullah|mulla|sheikh|shaykh|shaikh|maulana|maulvi|mr\.?|mrs\.?)$/i;
const particles = new Set(['al', 'el', 'bin', 'ibn', 'abu', 'de', 'del', 'da', 'dos', 'van', 'von', 'der', 'la', 'le', 'y']);
const canonicalSpellings = new Map<string, string>([
  ...['muhammad', 'mohammed', 'mohamed', 'mohammad', 'muhammed', 'mohamad', 'mehmet'].map((s) => [s, 'muhammad'] as [string, string]),
  ...['yusuf', 'yousef', 'youssef', 'yousuf', 'yusef'].map((s) => [s, 'yusuf'] as [string, string]),
  ...['hussein', 'husain', 'hussain', 'husayn', 'husein'].map((s) => [s, 'husayn'] as [string, string]),
]);

/** The bench's own rough key for "the same token": folded spelling, one vowel per class. */
function roughToken(token: string): string {
  const known = canonicalSpellings.get(token);
  if (known) return known;
  return token
    .replace(/x/g, 'ks').replace(/kh/g, 'h').replace(/zh/g, 'j').replace(/ou|oo/g, 'u').replace(/[yej]/g, 'i').replace(/w/g, 'v').replace(/q/g, 'k').replace(/ph/g, 'f')
    .replace(/o/g, 'u').replace(/(.)\1+/g, '$1');
}

function roughTokens(name: string): string[] {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '').split(/[^a-z]+/)
    .filter((t) => t.length > 1 && !particles.has(t)).map(roughToken);
}

/** Finds whether a name is, token for token, inside a listed name or holds one whole. */
export class ListedTokenSets {
  private readonly sets: Array<Set<string>>;
  private readonly byToken = new Map<string, number[]>();

  constructor(names: ListedName[]) {
    this.sets = names.map((n) => new Set(roughTokens(n.name)));
    this.sets.forEach((set, i) => {
      for (const token of set) {
        const list = this.byToken.get(token) ?? [];
        list.push(i);
        this.byToken.set(token, list);
      }
    });
  }

  overlapsListedName(name: string): boolean {
    const tokens = new Set(roughTokens(name));
    const seen = new Set<number>();
    for (const token of tokens) {
      for (const i of this.byToken.get(token) ?? []) {
        if (seen.has(i)) continue;
        seen.add(i);
        const listed = this.sets[i]!;
        if ([...listed].every((t) => tokens.has(t)) || [...tokens].every((t) => listed.has(t))) return true;
      }
    }
    return false;
  }
}

export interface SplitOptions {
  seed: number;
  /** Which entries this split draws positives from (disjoint between splits). */
  entryFilter: (entryId: number) => boolean;
  /** Which given names this split draws negatives from (disjoint between splits). */
  givenFilter: (index: number) => boolean;
  positives: number;
  negatives: number;
}

/**
 * Whether `next` may follow the variations already applied: no kind twice, and no join or split
 * of tokens that a reorder or an invented middle name put side by side (nobody runs a surname
 * into an invented middle name), nor a reorder, initial or drop of the pieces of a split.
 */
function compatible(applied: VariantKind[], next: VariantKind): boolean {
  if (applied.includes(next)) return false;
  // Dropping one middle name and inventing another is a different middle name, not a variant.
  if ((next === 'drop_middle' && applied.includes('extra_middle')) || (next === 'extra_middle' && applied.includes('drop_middle'))) return false;
  // A split or join makes pieces that are not names: only spelling changes go with them.
  const spelling = (k: VariantKind) => k === 'typo' || k === 'transliterate';
  if ((next === 'join' || next === 'split') && !applied.every(spelling)) return false;
  if (applied.some((k) => k === 'join' || k === 'split') && !spelling(next)) return false;
  return true;
}

export function buildSplit(listed: ReturnType<typeof listedNames>, sets: ListedTokenSets, options: SplitOptions): LabelledName[] {
  const random = seededRandom(options.seed);
  // Honorifics are dropped: a customer's passport says "Ahmad Noorzai", not "Hajji Ahmad Noorzai".
  const pool = listed.names
    .filter((n) => n.individual && options.entryFilter(n.entryId))
    .map((n) => ({ ...n, tokens: naturalOrder(n.name).filter((t) => !honorifics.test(t)) }))
    .filter((n) => n.tokens.filter((t) => /^\p{L}{2,}$/u.test(t)).length >= 2);
  const set: LabelledName[] = [];
  while (set.filter((s) => s.entryId !== null).length < options.positives) {
    const source = pick(random, pool);
    let tokens = source.tokens;
    const kinds: VariantKind[] = [];
    const wanted = random() < 0.15 ? 0 : random() < 0.75 ? 1 : 2;
    for (let attempt = 0; kinds.length < wanted && attempt < 10; attempt++) {
      const kind = pick(random, variantKinds);
      if (!compatible(kinds, kind)) continue;
      const varied = applyVariant(random, tokens, kind);
      if (varied) {
        tokens = varied;
        kinds.push(kind);
      }
    }
    const year = listed.birthYears.get(source.entryId);
    // Writing the surname first moves the last token: only sensible while tokens are whole names.
    const surnameFirst = !kinds.some((k) => k === 'split' || k === 'join' || k === 'reorder');
    set.push({ name: cosmetic(random, tokens, surnameFirst), entryId: source.entryId, kinds: kinds.length ? kinds : ['cosmetic_only'], ...(year ? { birthYear: year } : {}) });
  }
  const given = givenNames.filter((_, i) => options.givenFilter(i));
  let negatives = 0;
  for (let attempt = 0; negatives < options.negatives && attempt < options.negatives * 50; attempt++) {
    const parts = [pick(random, given)];
    if (random() < 0.3) parts.push(pick(random, given));
    parts.push(pick(random, surnames));
    const name = random() < 0.2 ? `${parts.at(-1)}, ${parts.slice(0, -1).join(' ')}` : parts.join(' ');
    if (sets.overlapsListedName(name) || set.some((s) => s.name === name)) continue;
    set.push({ name, entryId: null, kinds: ['not_listed'] });
    negatives++;
  }
  return set;
}
