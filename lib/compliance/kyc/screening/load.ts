import { SanctionsIndexFormatError } from '../errors.js';
import { sanctionsIndexFormat, type SanctionsEntry, type SerializedSanctionsIndex } from './compile.js';
import { isParticle } from './normalize.js';

/**
 * The in-memory index screening runs on. Vocabulary tokens include, besides every listed token,
 * the join of each pair of adjacent tokens in a name ("abdul rahman" → "abdulrahman"), so joined
 * and split spellings meet. Indexes are flat typed arrays (offsets and ids) rather than maps of
 * arrays: loading then makes few objects, and garbage collection was most of a cold start.
 */
export interface SanctionsIndex {
  version: string;
  list: 'SDN';
  entries: SanctionsEntry[];
  names: LoadedName[];
  vocab: string[];
  phonetic: string[];
  particle: Uint8Array;
  /** Trigrams of the phonetic forms of listed tokens → their ids. */
  trigrams: TrigramIndex;
  /** The same over joins of adjacent tokens that are not themselves listed tokens. */
  joinTrigrams: TrigramIndex;
  /** Names holding vocabulary id (as a token or a join): postings[postingStart[id] .. postingStart[id + 1]). */
  postings: Int32Array;
  postingStart: Int32Array;
  /** Scratch space for one screening at a time (JavaScript runs one at a time per isolate). */
  scratch: { vocabStamp: Int32Array; vocabCount: Int32Array; nameStamp: Int32Array; nameMask: Int32Array; generation: number };
}

/** Ids holding trigram key k: ids[start[k] .. start[k + 1]). */
export interface TrigramIndex {
  start: Int32Array;
  ids: Int32Array;
}

export interface LoadedName {
  entry: number;
  name: string;
  tokens: Int32Array;
  /** joins[i] is the vocabulary id of tokens[i] + tokens[(i + 1) % length]. */
  joins: Int32Array;
  /** Sum of token weights (see tokenWeight). */
  weight: number;
  /** Number of tokens that are neither particles nor initials. */
  strongTokens: number;
}

/** How much a token says about identity: particles and initials little, every other token alike. */
export function tokenWeight(token: string, particle: boolean): number {
  return particle || token.length === 1 ? 0.25 : 1;
}

/**
 * Six bits per character: letters and digits their own code, the padding marks theirs, any other
 * character folded into the rest (a collision only lets a candidate through to be scored).
 */
function charCode6(code: number): number {
  if (code >= 97 && code <= 122) return code - 96; // a-z: 1..26
  if (code >= 48 && code <= 57) return code - 21; // 0-9: 27..36
  if (code === 94) return 37; // ^
  if (code === 36) return 38; // $
  return 39 + (code % 25);
}
const trigramSpace = 1 << 18;

/** Each distinct trigram of "^form$" as an 18-bit number. */
export function trigramKeys(form: string): number[] {
  const padded = `^${form}$`;
  const keys: number[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) {
    const key = (charCode6(padded.charCodeAt(i)) << 12) | (charCode6(padded.charCodeAt(i + 1)) << 6) | charCode6(padded.charCodeAt(i + 2));
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** Builds the in-memory index from a compiled one (as compiled, or its JSON text). */
export function loadSanctionsIndex(serialized: SerializedSanctionsIndex | string): SanctionsIndex {
  const data: SerializedSanctionsIndex = typeof serialized === 'string' ? JSON.parse(serialized) : serialized;
  if (data?.format !== sanctionsIndexFormat) throw new SanctionsIndexFormatError(`format is ${String(data?.format)}, expected ${sanctionsIndexFormat}`);
  const { vocab, phonetic, tokenCount } = data;
  const particle = Uint8Array.from(vocab, (token, id) => (id < tokenCount && isParticle(token) ? 1 : 0));
  const names: LoadedName[] = data.names.map(([entry, name, tokens, joins]) => {
    let weight = 0;
    let strongTokens = 0;
    for (const id of tokens) {
      weight += tokenWeight(vocab[id]!, particle[id] === 1);
      if (particle[id] === 0 && vocab[id]!.length > 1) strongTokens++;
    }
    return { entry, name, tokens: Int32Array.from(tokens), joins: Int32Array.from(joins), weight, strongTokens };
  });
  const { postings, postingStart } = postingIndex(names, vocab.length);
  return {
    version: data.version, list: data.list, entries: data.entries, names, vocab, phonetic, particle,
    trigrams: trigramIndex(phonetic, 0, tokenCount), joinTrigrams: trigramIndex(phonetic, tokenCount, vocab.length),
    postings, postingStart,
    scratch: {
      vocabStamp: new Int32Array(vocab.length), vocabCount: new Int32Array(vocab.length),
      nameStamp: new Int32Array(names.length), nameMask: new Int32Array(names.length), generation: 0,
    },
  };
}

function postingIndex(names: LoadedName[], vocabSize: number): { postings: Int32Array; postingStart: Int32Array } {
  const postingStart = new Int32Array(vocabSize + 1);
  for (const name of names) {
    for (const id of name.tokens) postingStart[id + 1]!++;
    for (const id of name.joins) postingStart[id + 1]!++;
  }
  for (let id = 0; id < vocabSize; id++) postingStart[id + 1]! += postingStart[id]!;
  const postings = new Int32Array(postingStart[vocabSize]!);
  const fill = postingStart.slice(0, vocabSize);
  names.forEach((name, n) => {
    for (const ids of [name.tokens, name.joins]) {
      for (const id of ids) {
        // A name holding a token twice is listed once under it.
        if (fill[id]! > postingStart[id]! && postings[fill[id]! - 1] === n) continue;
        postings[fill[id]!++] = n;
      }
    }
  });
  return { postings, postingStart };
}

function trigramIndex(forms: string[], from: number, to: number): TrigramIndex {
  const start = new Int32Array(trigramSpace + 1);
  for (let id = from; id < to; id++) for (const key of trigramKeys(forms[id]!)) start[key + 1]!++;
  for (let key = 0; key < trigramSpace; key++) start[key + 1]! += start[key]!;
  const ids = new Int32Array(start[trigramSpace]!);
  const fill = start.slice(0, trigramSpace);
  for (let id = from; id < to; id++) for (const key of trigramKeys(forms[id]!)) ids[fill[key]!++] = id;
  return { start, ids };
}
