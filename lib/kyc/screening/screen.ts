import { jaroWinkler } from './jaro-winkler.js';
import { tokenWeight, trigramKeys, type LoadedName, type SanctionsIndex, type TrigramIndex } from './load.js';
import { isParticle, nameTokens, phoneticForm } from './normalize.js';

/**
 * Thresholds on the 0..1 name score, chosen on a validation split of bench/screening's labelled
 * set and reported on a separate test split (docs/screening.md has the figures).
 */
export const screeningThresholds = { match: 0.895, possible: 0.85 } as const;

/** Two tokens closer than this can be aligned; below it they are different tokens. */
const tokenFloor = 0.8;
/** A phonetic-form similarity counts a little less than the same similarity of the spellings. */
const phoneticDiscount = 0.97;
const firstLetterFactor = 0.9;
const lengthPenalty = 0.3;
const contributionSlope = 2;
/** An initial standing for a token with that first letter. */
const initialScore = 0.9;
/** Weight of the better-covered side of the pair of names in the score (see scoreName). */
const coverageBias = 0.75;
/** When fewer than two distinctive tokens agree (and either name has two), the score is cut. */
const singleTokenFactor = 0.7;
/** A listed birth year that differs from the customer's by more than a year. */
const birthYearMismatchFactor = 0.8;
const birthYearMatchBonus = 0.02;
const maxQueryTokens = 12;

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

interface QueryItem {
  /** First query token covered, and how many (1, or 2 for a join of adjacent tokens). */
  start: number;
  span: number;
  /** Bit per strong (non-particle) query token covered. */
  strongMask: number;
  /** Vocabulary id → token similarity, for vocabulary tokens at least `tokenFloor` alike. */
  similar: Map<number, number>;
}

interface QueryToken {
  text: string;
  weight: number;
  strong: boolean;
}

/**
 * Screens a person's name against the list. Candidates come from a trigram index over the
 * phonetic forms of listed tokens; each candidate name is scored by aligning tokens
 * (see scoreName). Entries of every type are screened, individuals and entities alike.
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

/** Every listed name sharing enough with `name` to be scored, with its name score. */
export function scoreCandidates(index: SanctionsIndex, name: string): Array<{ name: LoadedName; score: number }> {
  const tokens = nameTokens(name).slice(0, maxQueryTokens).map((text): QueryToken => {
    const particle = isParticle(text);
    return { text, weight: tokenWeight(text, particle), strong: !particle && text.length > 1 };
  });
  if (tokens.length === 0) return [];
  const items = queryItems(index, tokens);
  const strongQuery = tokens.filter((t) => t.strong).length;

  const { nameStamp, nameMask } = index.scratch;
  const generation = ++index.scratch.generation;
  const candidates: number[] = [];
  for (const item of items) {
    // A particle alone ("al", "bin") would make half the list a candidate and proves nothing.
    if (item.strongMask === 0) continue;
    for (const id of item.similar.keys()) {
      for (let p = index.postingStart[id]!; p < index.postingStart[id + 1]!; p++) {
        const n = index.postings[p]!;
        if (nameStamp[n] !== generation) {
          nameStamp[n] = generation;
          nameMask[n] = 0;
          candidates.push(n);
        }
        nameMask[n]! |= item.strongMask;
      }
    }
  }
  const results: Array<{ name: LoadedName; score: number }> = [];
  for (const n of candidates) {
    const listed = index.names[n]!;
    if (bitCount(nameMask[n]!) < Math.min(2, strongQuery, listed.strongTokens)) continue;
    results.push({ name: listed, score: scoreName(index, tokens, items, listed) });
  }
  return results;
}

function queryItems(index: SanctionsIndex, tokens: QueryToken[]): QueryItem[] {
  const items: QueryItem[] = [];
  const strongBit = (i: number) => (tokens[i]!.strong ? 1 << i : 0);
  tokens.forEach((token, i) => {
    if (token.text.length > 1) items.push({ start: i, span: 1, strongMask: strongBit(i), similar: similarTokens(index, token.text, false) });
    const next = tokens[i + 1];
    if (next) items.push({ start: i, span: 2, strongMask: strongBit(i) | strongBit(i + 1), similar: similarTokens(index, token.text + next.text, true) });
  });
  return items;
}

/**
 * Vocabulary tokens at least `tokenFloor` alike to `text`, found through shared trigrams. A query
 * token is looked up among listed tokens and, when long enough to be two names run together,
 * among listed joins; a join of two query tokens only among listed tokens (join against join
 * adds nothing the two single tokens do not find).
 */
function similarTokens(index: SanctionsIndex, text: string, joined: boolean): Map<number, number> {
  const form = phoneticForm(text);
  const keys = trigramKeys(form);
  const similar = new Map<number, number>();
  // Typos and transliteration keep about a third of the trigrams of a phonetic form, sometimes a
  // quarter, and a transposition in a short one (Tohir/Toihr) a single one: weak overlaps are
  // kept when the forms start alike (typos in a first letter are rare). A join is long and must
  // keep half.
  const strong = Math.ceil(keys.length * (joined ? 0.5 : 0.34));
  const weak = joined ? strong : keys.length <= 6 ? 1 : Math.ceil(keys.length * 0.25);
  lookUp(index, index.trigrams, text, form, keys, weak, strong, similar);
  if (!joined && form.length >= 5) lookUp(index, index.joinTrigrams, text, form, keys, Math.ceil(keys.length * 0.5), 0, similar);
  return similar;
}

function lookUp(
  index: SanctionsIndex, trigrams: TrigramIndex, text: string, form: string, keys: number[],
  needed: number, strong: number, similar: Map<number, number>,
): void {
  const { vocabStamp, vocabCount } = index.scratch;
  const generation = ++index.scratch.generation;
  const touched: number[] = [];
  const { start, ids } = trigrams;
  for (const key of keys) {
    for (let p = start[key]!; p < start[key + 1]!; p++) {
      const id = ids[p]!;
      if (vocabStamp[id] !== generation) {
        vocabStamp[id] = generation;
        vocabCount[id] = 0;
        touched.push(id);
      }
      vocabCount[id]!++;
    }
  }
  const lengthSlack = Math.max(2, form.length >> 1);
  const first = form.charCodeAt(0);
  for (const id of touched) {
    const count = vocabCount[id]!;
    if (count < needed) continue;
    const other = index.phonetic[id]!;
    if (count < strong && other.charCodeAt(0) !== first) continue;
    if (Math.abs(other.length - form.length) > lengthSlack) continue;
    const score = tokenSimilarity(text, form, index.vocab[id]!, other);
    if (score >= tokenFloor) similar.set(id, score);
  }
}

/**
 * Jaro-Winkler of the spellings or (slightly discounted) of the phonetic forms, whichever is
 * higher, then lowered when the phonetic forms start differently (Ali/Wali) or differ in length by
 * more than one letter (Dmi/Dmitry): Jaro-Winkler alone forgives both too easily.
 */
function tokenSimilarity(text: string, form: string, otherText: string, otherForm: string): number {
  let score = Math.max(jaroWinkler(text, otherText), phoneticDiscount * jaroWinkler(form, otherForm));
  if (form.charCodeAt(0) !== otherForm.charCodeAt(0)) score *= firstLetterFactor;
  const shorter = Math.min(form.length, otherForm.length);
  const longer = Math.max(form.length, otherForm.length);
  if (longer - shorter > 1) score *= 1 - lengthPenalty * (1 - shorter / longer);
  return score;
}

/** What an aligned pair adds to coverage: steeper than the similarity, so near-miss tokens cost. */
function contribution(similarity: number): number {
  return 1 - contributionSlope * (1 - similarity);
}

interface Pair {
  score: number;
  qStart: number;
  qSpan: number;
  lStart: number;
  lSpan: number;
}

/**
 * Aligns query and listed tokens greedily, best pair first, each token used once; a pair is a
 * token or a join of two adjacent tokens on either side, or an initial against a token with its
 * first letter. Each side's coverage is the weighted share of its tokens aligned (times the pair
 * similarity); the score leans on the better-covered side so that missing or extra middle names
 * cost little, while the single-token cut stops one shared first name from matching.
 */
function scoreName(index: SanctionsIndex, tokens: QueryToken[], items: QueryItem[], listed: LoadedName): number {
  const pairs: Pair[] = [];
  const lTokens = listed.tokens;
  for (const item of items) {
    for (let j = 0; j < lTokens.length; j++) {
      const single = item.similar.get(lTokens[j]!);
      if (single !== undefined) pairs.push({ score: single, qStart: item.start, qSpan: item.span, lStart: j, lSpan: 1 });
      if (j < listed.joins.length) {
        const joined = item.similar.get(listed.joins[j]!);
        if (joined !== undefined) pairs.push({ score: joined, qStart: item.start, qSpan: item.span, lStart: j, lSpan: 2 });
      }
    }
  }
  tokens.forEach((token, i) => {
    for (let j = 0; j < lTokens.length; j++) {
      const other = index.vocab[lTokens[j]!]!;
      if ((token.text.length === 1) !== (other.length === 1) && token.text[0] === other[0]) {
        pairs.push({ score: initialScore, qStart: i, qSpan: 1, lStart: j, lSpan: 1 });
      }
    }
  });
  pairs.sort((a, b) => b.score - a.score || b.qSpan + b.lSpan - (a.qSpan + a.lSpan));

  const usedQ = new Uint8Array(tokens.length);
  const usedL = new Uint8Array(lTokens.length);
  let matchedQ = 0;
  let matchedL = 0;
  let strongMatchedQ = 0;
  let strongMatchedL = 0;
  for (const pair of pairs) {
    if (anyUsed(usedQ, pair.qStart, pair.qSpan) || anyUsed(usedL, pair.lStart, pair.lSpan)) continue;
    for (let i = pair.qStart; i < pair.qStart + pair.qSpan; i++) {
      usedQ[i] = 1;
      matchedQ += tokens[i]!.weight * contribution(pair.score);
      if (tokens[i]!.strong) strongMatchedQ++;
    }
    for (let k = 0; k < pair.lSpan; k++) {
      const j = (pair.lStart + k) % lTokens.length;
      usedL[j] = 1;
      const text = index.vocab[lTokens[j]!]!;
      const particle = index.particle[lTokens[j]!] === 1;
      matchedL += tokenWeight(text, particle) * contribution(pair.score);
      if (!particle && text.length > 1) strongMatchedL++;
    }
  }
  let queryWeight = 0;
  for (const token of tokens) queryWeight += token.weight;
  const coverQ = matchedQ / queryWeight;
  const coverL = matchedL / listed.weight;
  let score = coverageBias * Math.max(coverQ, coverL) + (1 - coverageBias) * Math.min(coverQ, coverL);
  // Two distinctive tokens must agree on both sides, unless both names have only one: a listed
  // "IBRAHIM, Haji" says nothing about every customer called Ibrahim.
  const strongQuery = tokens.filter((t) => t.strong).length;
  if (Math.min(strongMatchedQ, strongMatchedL) < Math.min(2, Math.max(strongQuery, listed.strongTokens))) score *= singleTokenFactor;
  return score;
}

/** Whether any of `span` positions from `start` is taken; listed joins wrap from last to first. */
function anyUsed(used: Uint8Array, start: number, span: number): boolean {
  for (let k = 0; k < span; k++) if (used[(start + k) % used.length] === 1) return true;
  return false;
}

function bitCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}
