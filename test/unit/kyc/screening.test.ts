import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SanctionsIndexFormatError, SanctionsListFormatError } from '#lib/compliance/kyc/errors.js';
import {
  compileSanctionsIndex, loadSanctionsIndex, screenName, screeningThresholds, type SanctionsIndex,
} from '#lib/compliance/kyc/screening/index.js';

const ofac = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/ofac');
const read = (file: string) => readFileSync(path.join(ofac, file), 'utf8');

const ZAWAHIRI = 2676; // "AL ZAWAHIRI, Dr. Ayman", DOB 19 Jun 1951
const BIN_LADEN = 6365; // "BIN LADEN, Usama" among its alternates
const KIM_JONG_UN = 20157; // "KIM, Jong Un", DOB 08 Jan 1984
const LI_FANGWEI = 11447; // "LI, Fangwei"
const SMIRNOV = 26665; // "SMIRNOV, Dmitriy Konstantinovich"
const PRIGOZHIN = 21171; // "PRIGOZHIN, Yevgeniy Viktorovich", aka "PRIGOZHIN, Evgeny"
const SHAH = 22563; // "SHAH, Mohammad Yusuf"

let index: SanctionsIndex;
beforeAll(() => {
  index = loadSanctionsIndex(JSON.stringify(compileSanctionsIndex(read('sdn.csv'), read('alt.csv'), read('add.csv'))));
});

function topHit(name: string, extra: { birthYear?: number; nationality?: string } = {}) {
  const result = screenName(index, { name, ...extra });
  return { decision: result.decision, entryId: result.hits[0]?.entryId, score: result.hits[0]?.score ?? 0 };
}

describe('screenName against the SDN snapshot', () => {
  it('matches a listed name written as listed', () => {
    expect(topHit('AL ZAWAHIRI, Dr. Ayman')).toMatchObject({ decision: 'match', entryId: ZAWAHIRI, score: 1 });
  });

  it.each([
    ['case, diacritics and punctuation', 'ayman AL-ZAWÁHIRI'],
    ['token order', 'Zawahiri Ayman Al'],
    ['a joined particle', 'Ayman Alzawahiri'],
    ['a typo and a transliteration', 'Aiman Zawahri'],
  ])('matches through %s', (_kind, name) => {
    const hit = topHit(name);
    expect(hit.entryId).toBe(ZAWAHIRI);
    expect(hit.decision).not.toBe('clear');
  });

  it('matches an alternate name through a joined surname and a transliteration', () => {
    expect(topHit('Osama Binladen')).toMatchObject({ decision: 'match', entryId: BIN_LADEN });
  });

  it('matches joined given names (Jong Un / Jongun)', () => {
    expect(topHit('Kim Jongun')).toMatchObject({ decision: 'match', entryId: KIM_JONG_UN });
  });

  it('matches pinyin written with its syllables spaced, in either order', () => {
    expect(topHit('Li Fang Wei')).toMatchObject({ decision: 'match', entryId: LI_FANGWEI });
    expect(topHit('Fang Wei Li')).toMatchObject({ decision: 'match', entryId: LI_FANGWEI });
  });

  it.each([
    ['Dmitri Konstantinovich Smirnoff', SMIRNOV],
    ['Yevgeniy Prigozhin', PRIGOZHIN],
    ['Mohamed Yousef Shah', SHAH],
  ])('matches the transliteration variant %s', (name, entryId) => {
    expect(topHit(name)).toMatchObject({ decision: 'match', entryId });
  });

  it('matches with a missing middle name, as a possible match at least', () => {
    const hit = topHit('Dmitriy Smirnov');
    expect(hit.entryId).toBe(SMIRNOV);
    expect(hit.score).toBeGreaterThanOrEqual(screeningThresholds.possible);
  });

  it('matches with an extra middle name, as a possible match at least', () => {
    const hit = topHit('Kim Jong Chol Un');
    expect(hit.entryId).toBe(KIM_JONG_UN);
    expect(hit.score).toBeGreaterThanOrEqual(screeningThresholds.possible);
  });

  it('keeps a match whose birth year agrees with the list', () => {
    expect(topHit('Kim Jong Un', { birthYear: 1984 })).toMatchObject({ decision: 'match', entryId: KIM_JONG_UN });
  });

  it('clears a namesake whose birth year differs from the listed one', () => {
    const result = screenName(index, { name: 'Kim Jong Un', birthYear: 2001 });
    expect(result.hits.map((h) => h.entryId)).not.toContain(KIM_JONG_UN);
  });

  it('never clears a strong name match on a differing nationality alone', () => {
    expect(screenName(index, { name: 'Kim Jong Un', nationality: 'US' })).toEqual(screenName(index, { name: 'Kim Jong Un' }));
  });

  it.each([
    ['a common name with no listed counterpart', 'John Smith'],
    ['one shared first name with a listed one-word alias', 'Ibrahim Brown'],
    ['a name sharing only its surname with listed people', 'Maria Fernanda Lopez'],
    ['a famous unlisted name', 'Vladimir Putin'],
  ])('clears %s', (_kind, name) => {
    expect(screenName(index, { name })).toMatchObject({ decision: 'clear', hits: [] });
  });

  it('reports the list version it screened against', () => {
    expect(screenName(index, { name: 'John Smith' }).listVersion).toBe(index.version);
  });
});

describe('screenName invariances (property)', () => {
  const accents: Record<string, string> = { a: 'á', e: 'é', i: 'ï', o: 'ö', u: 'ü', n: 'ñ', c: 'ç' };

  it('scores a listed name 1 against its entry whatever its case, diacritics, punctuation and word order', () => {
    const listed = index.names.filter((n) => index.entries[n.entry]!.type === 'individual' && n.tokens.length >= 2);
    fc.assert(
      fc.property(fc.nat(listed.length - 1), fc.boolean(), fc.boolean(), fc.nat(), (at, upper, accented, seed) => {
        const name = listed[at]!;
        const words = name.name.split(/[\s,]+/).filter(Boolean);
        const rotated = [...words.slice(seed % words.length), ...words.slice(0, seed % words.length)];
        let text = rotated.join(seed % 2 === 0 ? ' - ' : ', ');
        if (accented) text = [...text].map((c) => accents[c] ?? c).join('');
        text = upper ? text.toUpperCase() : text.toLowerCase();
        const plain = screenName(index, { name: name.name }).hits.find((h) => h.entryId === index.entries[name.entry]!.id);
        const varied = screenName(index, { name: text }).hits.find((h) => h.entryId === index.entries[name.entry]!.id);
        expect(plain?.score).toBe(1);
        expect(varied?.score).toBe(1);
      }),
      { numRuns: 200 },
    );
  }, 30_000); // 200 screenings: well under a second alone, more than the unit default of 5 s on a busy machine
});

describe('compileSanctionsIndex and loadSanctionsIndex', () => {
  const sdn = [
    '100,"DOE, John Quincy","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1960 to 1962; nationality Iran."',
    '200,"ACME TRADING LLC",-0- ,"IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
  ].join('\r\n');
  const alt = '100,1,"aka","DOE, Johnny",-0- \r\n';

  it('reads a newer file of the same layout, without the DOS end-of-file byte', () => {
    const idx = loadSanctionsIndex(compileSanctionsIndex(sdn, alt));
    expect(idx.entries.map((e) => [e.id, e.type, e.birthYears])).toEqual([[100, 'individual', [[1960, 1962]]], [200, 'entity', []]]);
    expect(screenName(idx, { name: 'Johnny Doe' }).hits[0]).toMatchObject({ entryId: 100, matchedName: 'DOE, Johnny', list: 'SDN' });
  });

  it('gives the same version for the same files and another for changed ones', () => {
    expect(compileSanctionsIndex(sdn, alt).version).toBe(compileSanctionsIndex(sdn, alt).version);
    expect(compileSanctionsIndex(sdn, `${alt}100,2,"aka","DOE, J.",-0- \r\n`).version).not.toBe(compileSanctionsIndex(sdn, alt).version);
  });

  it('screens the same from the serialised index as from the compiled one', () => {
    const compiled = compileSanctionsIndex(sdn, alt);
    const fromJson = loadSanctionsIndex(JSON.stringify(compiled));
    expect(screenName(fromJson, { name: 'John Q. Doe' })).toEqual(screenName(loadSanctionsIndex(compiled), { name: 'John Q. Doe' }));
  });

  it('refuses a file whose rows do not have the published column count', () => {
    expect(() => compileSanctionsIndex('100,"DOE, John","individual"', alt)).toThrow(SanctionsListFormatError);
  });

  it('refuses a serialised index of another format', () => {
    expect(() => loadSanctionsIndex('{"format":"something-else"}')).toThrow(SanctionsIndexFormatError);
  });
});
