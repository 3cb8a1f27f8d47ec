import { SanctionsIndexFormatError } from '../errors.js';
import { sanctionsIndexFormat, type SanctionsEntry, type SerializedSanctionsIndex } from './compile.js';
import { isParticle, phoneticForm } from './normalize.js';

/**
 * The in-memory index screening runs on. Vocabulary tokens include, besides every listed token,
 * the join of each pair of adjacent tokens in a name ("abdul rahman" → "abdulrahman"), so joined
 * and split spellings meet.
 */
export interface SanctionsIndex {
  version: string;
  list: 'SDN';
  entries: SanctionsEntry[];
  names: LoadedName[];
  vocab: string[];
  phonetic: string[];
  particle: Uint8Array;
  /** Trigram of a phonetic form → ids of listed tokens holding it. */
  trigrams: Map<number, Int32Array>;
  /** The same over joins of adjacent tokens that are not themselves listed tokens. */
  joinTrigrams: Map<number, Int32Array>;
  /** Vocabulary id → names holding it (as a token or as a join of two adjacent tokens). */
  postings: Int32Array[];
  /** Scratch space for one screening at a time (JavaScript runs one at a time per isolate). */
  scratch: { vocabStamp: Int32Array; vocabCount: Int32Array; nameStamp: Int32Array; nameMask: Int32Array; generation: number };
}

export interface LoadedName {
  entry: number;
  name: string;
  tokens: Int32Array;
  /**
   * joins[i] is the vocabulary id of tokens[i] + tokens[i + 1]; the last one joins the last token
   * to the first, since "LAST, First" names are written "First Last" as often as not.
   */
  joins: Int32Array;
  /** Sum of token weights (see tokenWeight). */
  weight: number;
  /** Number of tokens that are not particles. */
  strongTokens: number;
}

/** How much a token says about identity: particles and initials little, every other token alike. */
export function tokenWeight(token: string, particle: boolean): number {
  return particle || token.length === 1 ? 0.25 : 1;
}

/** Each trigram of "^form$" as one number (three UTF-16 units). */
export function trigramKeys(form: string): number[] {
  const padded = `^${form}$`;
  const keys = new Set<number>();
  for (let i = 0; i + 3 <= padded.length; i++) {
    keys.add(padded.charCodeAt(i) * 4294967296 + padded.charCodeAt(i + 1) * 65536 + padded.charCodeAt(i + 2));
  }
  return [...keys];
}

/** Builds the in-memory index from a compiled one (JSON-parsed or as compiled). */
export function loadSanctionsIndex(serialized: SerializedSanctionsIndex | string): SanctionsIndex {
  const data: SerializedSanctionsIndex = typeof serialized === 'string' ? JSON.parse(serialized) : serialized;
  if (data?.format !== sanctionsIndexFormat) throw new SanctionsIndexFormatError(`format is ${String(data?.format)}, expected ${sanctionsIndexFormat}`);
  const vocab = [...data.vocab];
  const vocabIds = new Map<string, number>(vocab.map((token, id) => [token, id]));
  const idOf = (token: string) => {
    let id = vocabIds.get(token);
    if (id === undefined) {
      id = vocab.length;
      vocab.push(token);
      vocabIds.set(token, id);
    }
    return id;
  };
  const names: LoadedName[] = data.names.map(([entry, name, tokens]) => {
    const joins = new Int32Array(tokens.length > 1 ? tokens.length : 0);
    for (let i = 0; i < joins.length; i++) joins[i] = idOf(data.vocab[tokens[i]!]! + data.vocab[tokens[(i + 1) % tokens.length]!]!);
    let weight = 0;
    let strongTokens = 0;
    for (const id of tokens) {
      const particle = isParticle(data.vocab[id]!);
      weight += tokenWeight(data.vocab[id]!, particle);
      if (!particle) strongTokens++;
    }
    return { entry, name, tokens: Int32Array.from(tokens), joins, weight, strongTokens };
  });

  const phonetic = vocab.map(phoneticForm);
  const particle = Uint8Array.from(vocab, (token) => (isParticle(token) ? 1 : 0));
  const tokenCount = data.vocab.length;
  const trigrams = trigramIndex(phonetic, 0, tokenCount);
  const joinTrigrams = trigramIndex(phonetic, tokenCount, vocab.length);

  const postingLists: number[][] = vocab.map(() => []);
  names.forEach((name, n) => {
    for (const id of name.tokens) postingLists[id]!.push(n);
    for (const id of name.joins) postingLists[id]!.push(n);
  });
  const postings = postingLists.map((list) => Int32Array.from(new Set(list)));
  return {
    version: data.version, list: data.list, entries: data.entries, names, vocab, phonetic, particle, trigrams, joinTrigrams, postings,
    scratch: {
      vocabStamp: new Int32Array(vocab.length), vocabCount: new Int32Array(vocab.length),
      nameStamp: new Int32Array(names.length), nameMask: new Int32Array(names.length), generation: 0,
    },
  };
}

function trigramIndex(forms: string[], from: number, to: number): Map<number, Int32Array> {
  const lists = new Map<number, number[]>();
  for (let id = from; id < to; id++) {
    for (const key of trigramKeys(forms[id]!)) {
      const list = lists.get(key);
      if (list) list.push(id);
      else lists.set(key, [id]);
    }
  }
  const index = new Map<number, Int32Array>();
  for (const [key, list] of lists) index.set(key, Int32Array.from(list));
  return index;
}
