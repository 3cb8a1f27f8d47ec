import { givenNames } from './common-names.js';
import { pick, shuffle } from './random.js';

/**
 * The bench's variant generator: turns a listed name into the kinds of spelling a customer or a
 * document would produce. Written independently of lib/compliance/kyc (no imports from it) so the matcher is
 * not graded by its own rules.
 */

export type Random = () => number;
export type VariantKind =
  | 'reorder' | 'drop_middle' | 'extra_middle' | 'initial' | 'join' | 'split' | 'typo' | 'transliterate';
export const variantKinds: VariantKind[] = ['reorder', 'drop_middle', 'extra_middle', 'initial', 'join', 'split', 'typo', 'transliterate'];

/** Whole-name spelling groups seen across romanisations of Arabic, Persian and Russian names. */
const spellingGroups = [
  ['mohammed', 'muhammad', 'mohamed', 'mohammad', 'muhammed', 'mohamad'],
  ['yusuf', 'yousef', 'youssef', 'yousuf', 'yusef'],
  ['hussein', 'husain', 'hussain', 'husayn', 'husein'],
  ['hassan', 'hasan'], ['osama', 'usama'], ['omar', 'umar'], ['abdullah', 'abdallah'],
  ['ahmed', 'ahmad'], ['khalid', 'khaled'], ['mahmoud', 'mahmud'], ['abdul', 'abdel', 'abdal'],
  ['sergei', 'sergey', 'serguei'], ['alexei', 'alexey', 'aleksei', 'aleksey'], ['yuri', 'yury', 'yuriy', 'iouri'],
  ['dmitry', 'dmitri', 'dmitriy'], ['evgeny', 'yevgeny', 'evgeniy', 'yevgeniy'], ['abdulrahman', 'abdul rahman', 'abdelrahman', 'abd al rahman'],
];

/** Letter-level transliteration swaps: [pattern, replacement]. */
const letterRules: Array<[RegExp, string]> = [
  [/ou/, 'u'], [/(?<=[bcdfgklmnprstvz])u/, 'ou'], [/kh/, 'h'], [/^h/, 'kh'], [/iy$/, 'y'], [/iy$/, 'i'], [/y$/, 'iy'],
  [/(?<=[aeiou])y$/, 'i'], [/zh/, 'j'], [/^j/, 'zh'], [/ks/, 'x'], [/x/, 'ks'], [/ov$/, 'off'], [/ev$/, 'eff'],
  [/ee/, 'i'], [/sch/, 'sh'], [/sh/, 'sch'], [/q/, 'k'], [/(?<=[aeiou])k/, 'q'], [/w/, 'v'], [/v/, 'w'], [/ph/, 'f'],
  [/ie/, 'ye'], [/^e/, 'ye'], [/^ye/, 'e'], [/ii$/, 'i'], [/ai/, 'ay'], [/ay/, 'ai'], [/oo/, 'u'],
];

const keyboardNeighbours: Record<string, string> = {
  a: 'qswz', b: 'vghn', c: 'xdfv', d: 'serfcx', e: 'wsdr', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', i: 'ujko',
  j: 'huikmn', k: 'jiolm', l: 'kop', m: 'njk', n: 'bhjm', o: 'iklp', p: 'ol', q: 'wa', r: 'edft', s: 'awedxz',
  t: 'rfgy', u: 'yhji', v: 'cfgb', w: 'qase', x: 'zsdc', y: 'tghu', z: 'asx',
};

const isWord = (token: string) => /^[a-z]{2,}$/i.test(token);

function middleIndexes(tokens: string[]): number[] {
  return tokens.map((_, i) => i).filter((i) => i > 0 && i < tokens.length - 1 && isWord(tokens[i]!));
}

/** Applies one kind of variation, or returns null when the name offers no place for it. */
export function applyVariant(random: Random, tokens: string[], kind: VariantKind): string[] | null {
  switch (kind) {
    case 'reorder': {
      if (tokens.length < 2) return null;
      const reordered = tokens.length === 2 ? [tokens[1]!, tokens[0]!] : shuffle(random, tokens);
      return reordered.join(' ') === tokens.join(' ') ? [...tokens.slice(1), tokens[0]!] : reordered;
    }
    case 'drop_middle': {
      const middle = middleIndexes(tokens);
      if (middle.length === 0) return null;
      const drop = pick(random, middle);
      return tokens.filter((_, i) => i !== drop);
    }
    case 'extra_middle': {
      if (tokens.length < 2) return null;
      const at = 1 + Math.floor(random() * (tokens.length - 1));
      return [...tokens.slice(0, at), pick(random, givenNames), ...tokens.slice(at)];
    }
    case 'initial': {
      const middle = middleIndexes(tokens);
      if (middle.length === 0) return null;
      const at = pick(random, middle);
      return tokens.map((t, i) => (i === at ? `${t[0]!.toUpperCase()}.` : t));
    }
    case 'join': {
      // Joins that people write: a particle onto the next token (Al-Zawahiri, Abdulrahman), or two
      // parts of a name that keeps at least two tokens (Jin Ping → Jinping).
      const joinable = tokens.map((_, i) => i).filter((i) => i + 1 < tokens.length && isWord(tokens[i]!) && isWord(tokens[i + 1]!)
        && (/^(al|el|bin|ibn|abu|abd|abdul|abdel|ul|ad|ar|as)$/i.test(tokens[i]!) || tokens.length >= 3));
      if (joinable.length === 0) return null;
      const at = pick(random, joinable);
      const glue = random() < 0.5 ? '' : '-';
      return [...tokens.slice(0, at), tokens[at]! + glue + tokens[at + 1]!.toLowerCase(), ...tokens.slice(at + 2)];
    }
    case 'split': {
      const long = tokens.map((t, i) => i).filter((i) => /^[a-z]{6,}$/i.test(tokens[i]!));
      if (long.length === 0) return null;
      const at = pick(random, long);
      const token = tokens[at]!;
      // Cut after a vowel near the middle, as pinyin syllables are spaced (Jinping → Jin Ping),
      // leaving at least three letters on each side.
      let cut = Math.max(3, token.length >> 1);
      while (cut < token.length - 3 && !/[aeiou]/i.test(token[cut - 1]!)) cut++;
      return [...tokens.slice(0, at), token.slice(0, cut), titleCase(token.slice(cut).toLowerCase()), ...tokens.slice(at + 1)];
    }
    case 'typo':
      return replaceOne(random, tokens, (t) => t.length >= 5, (t) => typo(random, t));
    case 'transliterate':
      return transliterate(random, tokens);
  }
}

function replaceOne(random: Random, tokens: string[], eligible: (t: string) => boolean, change: (t: string) => string | null): string[] | null {
  const candidates = shuffle(random, tokens.map((_, i) => i).filter((i) => eligible(tokens[i]!)));
  for (const at of candidates) {
    const changed = change(tokens[at]!);
    if (changed !== null && changed.toLowerCase() !== tokens[at]!.toLowerCase()) return tokens.map((t, i) => (i === at ? changed : t));
  }
  return null;
}

function typo(random: Random, token: string): string {
  const lower = token.toLowerCase();
  const at = 1 + Math.floor(random() * (lower.length - 2));
  const op = Math.floor(random() * 4);
  const c = lower[at]!;
  let out: string;
  if (op === 0) out = lower.slice(0, at) + pick(random, [...(keyboardNeighbours[c] ?? 'e')]) + lower.slice(at + 1);
  else if (op === 1) out = lower.slice(0, at) + lower.slice(at + 1);
  else if (op === 2) out = lower.slice(0, at) + lower[at + 1] + c + lower.slice(at + 2);
  else out = lower.slice(0, at) + c + lower.slice(at);
  return titleCase(out);
}

function transliterate(random: Random, tokens: string[]): string[] | null {
  for (const at of shuffle(random, tokens.map((_, i) => i))) {
    const lower = tokens[at]!.toLowerCase();
    const group = spellingGroups.find((g) => g.includes(lower));
    if (group) {
      const other = pick(random, group.filter((s) => s !== lower));
      return [...tokens.slice(0, at), ...other.split(' ').map(titleCase), ...tokens.slice(at + 1)];
    }
    const rules = shuffle(random, letterRules.filter(([pattern]) => pattern.test(lower)));
    if (rules.length > 0 && lower.length >= 3) {
      const [pattern, replacement] = rules[0]!;
      return tokens.map((t, i) => (i === at ? titleCase(lower.replace(pattern, replacement)) : t));
    }
  }
  return null;
}

const accents: Record<string, string[]> = {
  a: ['á', 'à', 'ä', 'â'], e: ['é', 'è', 'ë'], i: ['í', 'ï'], o: ['ó', 'ö', 'ô'], u: ['ú', 'ü'], n: ['ñ'], c: ['ç'], s: ['š'], z: ['ž'],
};

/** Spelling noise that never changes a name: letter case, diacritics, punctuation. */
export function cosmetic(random: Random, tokens: string[], surnameFirst: boolean): string {
  let words = tokens;
  if (random() < 0.4) {
    words = words.map((t) => [...t].map((c) => (accents[c.toLowerCase()] && random() < 0.3 ? pick(random, accents[c.toLowerCase()]!) : c)).join(''));
  }
  let text: string;
  const style = random();
  if (surnameFirst && style < 0.3 && words.length >= 2) text = `${words.at(-1)!.toUpperCase()}, ${words.slice(0, -1).join(' ')}`;
  else if (style < 0.45) text = words.map((w) => (w.length === 1 ? `${w}.` : w)).join('  ');
  else text = words.join(' ');
  const letterCase = random();
  if (letterCase < 0.25) return text.toUpperCase();
  if (letterCase < 0.5) return text.toLowerCase();
  return text;
}

export function titleCase(word: string): string {
  return word.replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

/** A listed name ("LAST, First Middle") as a customer writes it: given names first, title case. */
export function naturalOrder(listed: string): string[] {
  const [last, given] = listed.split(/,\s*/, 2);
  const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter(Boolean).map((w) => titleCase(w.toLowerCase()));
  return given ? [...words(given), ...words(last)] : words(last);
}
