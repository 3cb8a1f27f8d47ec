/**
 * Name normalisation shared by the list compiler and the screener: both sides of a comparison must
 * go through exactly the same steps, so this is the only place they are spelled.
 */

/** Letters that NFKD does not decompose into a base letter plus a mark. */
const unfoldable: Record<string, string> = {
  ß: 'ss', ø: 'o', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd', ł: 'l', ı: 'i', þ: 'th', ħ: 'h',
};

/** Honorifics and titles found in list names and customer input; they say nothing about identity. */
const titles = new Set(['dr', 'mr', 'mrs', 'ms', 'miss', 'prof', 'sir', 'sheikh', 'shaikh', 'shaykh', 'sheik', 'haji', 'hajji', 'hadji', 'mullah', 'mulla', 'maulana', 'maulvi']);

/**
 * Connecting particles (Arabic article and kinship words, Romance and Germanic particles). They
 * are kept, under one spelling each, but weigh little: "al" or "bin" in a name proves nothing.
 */
const particleCanon: Record<string, string> = {
  al: 'al', el: 'al', ul: 'al', ad: 'al', ar: 'al', as: 'al', ash: 'al', at: 'al', az: 'al',
  bin: 'bin', ben: 'bin', ibn: 'bin', bn: 'bin', bint: 'bint', binti: 'bint',
  // Abu stays a full token (not a particle): in a kunya such as "Abu Ahmad" it is half the name.
  abou: 'abu', abo: 'abu',
  de: 'de', del: 'de', della: 'de', da: 'de', dos: 'de', das: 'de', du: 'de', la: 'de', le: 'de',
  van: 'van', von: 'van', der: 'der', den: 'der', y: 'y',
};

export function isParticle(token: string): boolean {
  return Object.hasOwn(particleCanon, token) && particleCanon[token] === token;
}

/** Lowercase, marks stripped, apostrophes dropped (O'Brien → obrien), other punctuation → spaces. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßøæœđðłıþħ]/g, (c) => unfoldable[c] ?? c)
    .replace(/['’‘`ʼʻ]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Tokens of a name: normalised, titles dropped, particles under their one spelling. */
export function nameTokens(name: string): string[] {
  const tokens: string[] = [];
  for (const raw of normaliseText(name).split(' ')) {
    if (raw === '' || titles.has(raw)) continue;
    tokens.push(particleCanon[raw] ?? raw);
  }
  return tokens;
}

/**
 * A transliteration-blind spelling of a token: consonant digraphs that differ between
 * romanisations (kh/h, zh/j, dj/j, ph/f, q/k, w/v, x/ks) folded, vowels reduced to three classes
 * (a; e i y; o u) so Mohammed/Muhammad/Mohamed, Yusuf/Yousef and Dmitriy/Dmitry/Dmitri come
 * close, and doubled letters collapsed.
 */
export function phoneticForm(token: string): string {
  const folded = token
    .replace(/dzh|dj|zh/g, 'j')
    .replace(/kh/g, 'h')
    .replace(/gh/g, 'g')
    .replace(/ph/g, 'f')
    .replace(/ck|q/g, 'k')
    .replace(/w/g, 'v')
    .replace(/x/g, 'ks')
    .replace(/ff$/, 'v')
    .replace(/[eiy]/g, 'i')
    .replace(/[ou]/g, 'u');
  let out = '';
  for (const c of folded) if (out[out.length - 1] !== c) out += c;
  return out;
}
