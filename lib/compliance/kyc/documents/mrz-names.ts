/**
 * Names as a machine-readable zone writes them: upper-case Latin letters, words separated by
 * fillers. A submitted name is turned into that form under both transliterations ICAO 9303 part 3
 * allows (Ä as AE or A, Ü as UE or U, ...), and compared with the zone's primary and secondary
 * identifiers as a set of words, since the submitted order is not known.
 */

/** ICAO 9303 part 3 transliterations that write a letter as two (used by e.g. Germany, the Nordics). */
const icaoDigraphs: Record<string, string> = { Ä: 'AE', Ö: 'OE', Ü: 'UE', Å: 'AA', Æ: 'AE', Ø: 'OE', Œ: 'OE', ß: 'SS', Þ: 'TH', Ĳ: 'IJ' };
/** Letters NFKD does not reduce to a base letter. */
const unfoldable: Record<string, string> = { ß: 'SS', Æ: 'AE', Ø: 'O', Œ: 'OE', Þ: 'TH', Ð: 'D', Đ: 'D', Ł: 'L', Ħ: 'H' };

function mrzWords(name: string, digraphs: boolean): string[] {
  let text = name.toUpperCase();
  if (digraphs) text = text.replace(/[ÄÖÜÅÆØŒßÞĲ]/g, (c) => icaoDigraphs[c] ?? c);
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßÆØŒÞÐĐŁĦ]/g, (c) => unfoldable[c] ?? c)
    // ICAO drops apostrophes (O'BRIEN → OBRIEN); every other non-letter separates words.
    .replace(/['’‘`ʼ]/g, '')
    .replace(/[^A-Z]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/**
 * Whether `submitted` is the name in the zone. `truncated` says the zone's name field is full, in
 * which case the zone's last word may be cut short (ICAO truncates long names at 39 characters).
 */
export function mrzNameAgrees(submitted: string, zone: { lastName: string; firstName: string; truncated: boolean }): boolean {
  const zoneWords = [...zone.lastName.split(/[\s<]+/), ...zone.firstName.split(/[\s<]+/)].filter(Boolean);
  return [false, true].some((digraphs) => {
    const words = mrzWords(submitted, digraphs);
    if (sameWords(words, zoneWords)) return true;
    // Spacing differs between documents (MACDONALD / MAC DONALD): the same letters in either order.
    const letters = words.join('');
    const last = zone.lastName.replace(/[^A-Z]/g, '');
    const first = zone.firstName.replace(/[^A-Z]/g, '');
    if (letters === first + last || letters === last + first) return true;
    return zone.truncated && truncatedAgrees(words, zoneWords);
  });
}

function sameWords(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedB = [...b].sort();
  return [...a].sort().every((word, i) => word === sortedB[i]);
}

/** Every zone word but the last is a submitted word; the last is the start of another. */
function truncatedAgrees(words: string[], zoneWords: string[]): boolean {
  const remaining = [...words];
  for (const [i, zoneWord] of zoneWords.entries()) {
    const last = i === zoneWords.length - 1;
    const at = remaining.findIndex((word) => (last ? word.startsWith(zoneWord) : word === zoneWord));
    if (at < 0) return false;
    remaining.splice(at, 1);
  }
  return true;
}
