import { scoreCandidates } from './candidates.js';
import type { LoadedName, SanctionsIndex } from './load.js';

/**
 * Thresholds on the 0..1 name score, chosen on a validation split of bench/screening's labelled
 * set and reported on a separate test split (docs/screening.md has the figures).
 */
export const screeningThresholds = { match: 0.895, possible: 0.85 } as const;

/** A listed birth year that differs from the customer's by more than a year. */
const birthYearMismatchFactor = 0.8;
const birthYearMatchBonus = 0.02;

export type ScreeningDecision = 'clear' | 'possible_match' | 'match';

export interface ScreenNameInput {
  name: string;
  birthYear?: number | undefined;
  /** ISO 3166 alpha-2. Recorded by the caller; it never lowers a score (a differing nationality clears nothing). */
  nationality?: string | undefined;
}

export interface SanctionsHit {
  list: 'SDN';
  /** OFAC's entry number. */
  entryId: number;
  /** The entry's primary name. */
  entryName: string;
  entryType: string;
  programs: string;
  /** The listed name (primary or alternate) that matched best. */
  matchedName: string;
  /** 0..1, rounded to 3 decimals. */
  score: number;
}

export interface ScreeningResult {
  decision: ScreeningDecision;
  /** Best first, one per entry, those scoring at least the `possible` threshold. */
  hits: SanctionsHit[];
  listVersion: string;
}

export interface ScreenOptions {
  thresholds?: { match: number; possible: number };
  maxHits?: number;
}


/**
 * Screens a person's name against the list. Candidates come from a trigram index over the
 * phonetic forms of listed tokens; each candidate name is scored by aligning tokens
 * (align.ts). Entries of every type are screened, individuals and entities alike.
 */
export function screenName(index: SanctionsIndex, input: ScreenNameInput, options: ScreenOptions = {}): ScreeningResult {
  const thresholds = options.thresholds ?? screeningThresholds;
  const best = new Map<number, { score: number; name: LoadedName }>();
  for (const { name, score } of scoreCandidates(index, input.name)) {
    const adjusted = adjustForBirthYear(index, name.entry, score, input.birthYear);
    if (adjusted < thresholds.possible) continue;
    const current = best.get(name.entry);
    if (!current || current.score < adjusted) best.set(name.entry, { score: adjusted, name });
  }
  const hits = [...best.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, options.maxHits ?? 10)
    .map(({ score, name }): SanctionsHit => {
      const entry = index.entries[name.entry]!;
      return {
        list: index.list, entryId: entry.id, entryName: entry.name, entryType: entry.type, programs: entry.programs,
        matchedName: name.name, score: Math.round(score * 1000) / 1000,
      };
    });
  const top = hits[0]?.score ?? 0;
  const decision: ScreeningDecision = top >= thresholds.match ? 'match' : top >= thresholds.possible ? 'possible_match' : 'clear';
  return { decision, hits, listVersion: index.version };
}

function adjustForBirthYear(index: SanctionsIndex, entry: number, score: number, birthYear: number | undefined): number {
  const ranges = index.entries[entry]!.birthYears;
  if (birthYear === undefined || ranges.length === 0) return score;
  const agrees = ranges.some(([from, to]) => birthYear >= from - 1 && birthYear <= to + 1);
  return agrees ? Math.min(1, score + birthYearMatchBonus) : score * birthYearMismatchFactor;
}

