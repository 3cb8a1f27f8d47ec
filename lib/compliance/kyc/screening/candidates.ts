import { scoreName, type QueryItem, type QueryToken } from './align.js';
import { jaroWinkler } from './jaro-winkler.js';
import { tokenWeight, trigramKeys, type LoadedName, type SanctionsIndex, type TrigramIndex } from './load.js';
import { isParticle, nameTokens, phoneticForm } from './normalize.js';

/**
 * Candidate retrieval (docs/screening.md, steps 3 and 4): listed tokens like the query's, found
 * through trigrams of phonetic forms, and the listed names holding them.
 */

/** Two tokens closer than this can be aligned; below it they are different tokens. */
const tokenFloor = 0.8;
/** A phonetic-form similarity counts a little less than the same similarity of the spellings. */
const phoneticDiscount = 0.97;
const firstLetterFactor = 0.9;
const lengthPenalty = 0.3;
const maxQueryTokens = 12;

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

function bitCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}
