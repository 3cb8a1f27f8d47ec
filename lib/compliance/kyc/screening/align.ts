import { tokenWeight, type LoadedName, type SanctionsIndex } from './load.js';

/**
 * Scores one listed name against the query by aligning their tokens (docs/screening.md, step 5).
 */

/** How much faster than the similarity an aligned token's contribution falls (0.9 alike counts 0.8). */
const contributionSlope = 2;
/** An initial standing for a token with that first letter. */
const initialScore = 0.9;
/** Weight of the better-covered side of the pair of names in the score (see scoreName). */
const coverageBias = 0.75;
/** When fewer than two distinctive tokens agree (and either name has two), the score is cut. */
const singleTokenFactor = 0.7;

export interface QueryItem {
  /** First query token covered, and how many (1, or 2 for a join of adjacent tokens). */
  start: number;
  span: number;
  /** Bit per strong (non-particle) query token covered. */
  strongMask: number;
  /** Vocabulary id → token similarity, for vocabulary tokens at least `tokenFloor` alike. */
  similar: Map<number, number>;
}

export interface QueryToken {
  text: string;
  weight: number;
  strong: boolean;
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
export function scoreName(index: SanctionsIndex, tokens: QueryToken[], items: QueryItem[], listed: LoadedName): number {
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
      if ((token.text.length === 1 || other.length === 1) && token.text[0] === other[0]) {
        // Two equal initials agree fully; an initial against a whole token nearly.
        pairs.push({ score: token.text === other ? 1 : initialScore, qStart: i, qSpan: 1, lStart: j, lSpan: 1 });
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
