import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCnResidentId, checkPassport, checkPhone, cnResidentIdCheckCharacter, maskCnResidentId, mrzNameAgrees,
} from '#lib/compliance/kyc/documents/index.js';

/** A valid number: region, birth date and sequence, then the computed check character. */
function cnId(region: string, birthYyyymmdd: string, sequence = '123'): string {
  const first17 = `${region}${birthYyyymmdd}${sequence}`;
  return first17 + cnResidentIdCheckCharacter(first17);
}
const now = new Date('2026-11-26T12:00:00Z');

describe('checkCnResidentId', () => {
  it('accepts a number whose check character, region and birth date hold', () => {
    expect(checkCnResidentId({ number: cnId('110105', '19491231', '002'), birthDate: '1949-12-31', now })).toEqual({ ok: true, reasons: [] });
  });

  it('computes the published example check character X (GB 11643-1999)', () => {
    expect(cnResidentIdCheckCharacter('11010519491231002')).toBe('X');
  });

  it('computes the other published example (440524188001010014)', () => {
    expect(cnResidentIdCheckCharacter('44052418800101001')).toBe('4');
  });

  it('satisfies ISO 7064 MOD 11-2 for any 17 digits: sum of digit x 2^(18-i), check included, is 1 mod 11', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 }), (digits) => {
      const check = cnResidentIdCheckCharacter(digits.join(''));
      const value = check === 'X' ? 10 : Number(check);
      const sum = digits.reduce((acc, d, i) => acc + d * 2 ** (17 - i), 0) + value;
      return sum % 11 === 1;
    }));
  });

  it('accepts a lower-case x as the check character', () => {
    expect(checkCnResidentId({ number: '11010519491231002x', birthDate: '1949-12-31', now }).ok).toBe(true);
  });

  it('refuses a wrong check character', () => {
    const number = cnId('440301', '19900215');
    const wrong = number.slice(0, 17) + (number[17] === '1' ? '2' : '1');
    expect(checkCnResidentId({ number: wrong, birthDate: '1990-02-15', now }).reasons).toEqual(['document_checksum']);
  });

  it('refuses a region code that names no province', () => {
    expect(checkCnResidentId({ number: cnId('990101', '19900215'), birthDate: '1990-02-15', now }).reasons).toEqual(['region_unknown']);
  });

  it('refuses a birth date that does not exist', () => {
    expect(checkCnResidentId({ number: cnId('440301', '19900230'), birthDate: '1990-02-28', now }).reasons).toEqual(['document_invalid']);
  });

  it('refuses a birth date in the future', () => {
    expect(checkCnResidentId({ number: cnId('440301', '20300101'), birthDate: '2030-01-01', now }).reasons).toEqual(['document_invalid']);
  });

  it('refuses a birth date other than the submitted one', () => {
    expect(checkCnResidentId({ number: cnId('440301', '19900215'), birthDate: '1990-02-16', now }).reasons).toEqual(['birth_date_mismatch']);
  });

  it('masks all but the last four characters', () => {
    expect(maskCnResidentId('11010519491231002x')).toBe('**************002X');
  });
});

/** ICAO 9303 check digit: weights 7, 3, 1; digits as themselves, A-Z as 10-35, < as 0. */
function checkDigit(field: string): string {
  let sum = 0;
  [...field].forEach((c, i) => {
    const value = c === '<' ? 0 : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += value * [7, 3, 1][i % 3]!;
  });
  return String(sum % 10);
}

interface Td3 { state?: string; surname?: string; given?: string; number?: string; birth?: string; sex?: string; expiry?: string; personal?: string }
/** Builds the two TD3 lines with every check digit computed. */
function td3({ state = 'SWE', surname = 'ERIKSSON', given = 'ANNA<MARIA', number = 'L898902C3', birth = '740812', sex = 'F', expiry = '320415', personal = 'ZE184226B<<<<<' }: Td3 = {}): [string, string] {
  const line1 = `P<${state}${surname}<<${given}`.padEnd(44, '<').slice(0, 44);
  const docNo = number.padEnd(9, '<');
  const parts = [docNo + checkDigit(docNo), birth + checkDigit(birth), expiry + checkDigit(expiry), personal + checkDigit(personal)];
  const composite = checkDigit(parts.join(''));
  const line2 = `${parts[0]}${state}${parts[1]}${sex}${parts[2]}${parts[3]}${composite}`;
  return [line1, line2];
}
const anna = { name: 'Anna Maria Eriksson', birthDate: '1974-08-12', nationality: 'SE', now };

describe('checkPassport', () => {
  it('accepts a valid, unexpired passport whose holder agrees with the submitted data', () => {
    const result = checkPassport({ ...anna, mrz: td3() });
    expect(result).toEqual({ ok: true, reasons: [], documentNumberLast4: '02C3', expiresOn: '2032-04-15' });
  });

  it('passes every check digit of ICAO\'s specimen, and refuses its fictitious state UTO', () => {
    const specimen: [string, string] = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
    const result = checkPassport({ ...anna, mrz: specimen, now: new Date('2010-01-01T00:00:00Z') });
    expect(result.reasons).toEqual(['document_invalid']);
  });

  it('refuses a wrong document number check digit', () => {
    const [line1, line2] = td3();
    const broken = line2.slice(0, 9) + String((Number(line2[9]) + 1) % 10) + line2.slice(10);
    expect(checkPassport({ ...anna, mrz: [line1, broken] }).reasons).toContain('document_checksum');
  });

  it('refuses a wrong composite check digit alone', () => {
    const [line1, line2] = td3();
    const broken = line2.slice(0, 43) + String((Number(line2[43]) + 1) % 10);
    expect(checkPassport({ ...anna, mrz: [line1, broken] }).reasons).toEqual(['document_checksum']);
  });

  it('refuses an expired passport, the day after its expiry date', () => {
    const mrz = td3({ expiry: '261125' });
    expect(checkPassport({ ...anna, mrz }).reasons).toEqual(['document_expired']);
    expect(checkPassport({ ...anna, mrz, now: new Date('2026-11-25T23:59:00Z') }).reasons).toEqual([]);
  });

  it('refuses a birth date other than the submitted one', () => {
    expect(checkPassport({ ...anna, birthDate: '1975-08-12', mrz: td3() }).reasons).toEqual(['birth_date_mismatch']);
  });

  it('refuses a holder name other than the submitted one', () => {
    expect(checkPassport({ ...anna, name: 'Anna Eriksson', mrz: td3() }).reasons).toEqual(['name_mismatch']);
  });

  it('refuses a nationality other than the submitted one', () => {
    expect(checkPassport({ ...anna, nationality: 'NO', mrz: td3() }).reasons).toEqual(['nationality_mismatch']);
  });

  it('reads ICAO\'s D as Germany', () => {
    const mrz = td3({ state: 'D<<', surname: 'MUELLER', given: 'JUERGEN', birth: '800101' });
    expect(checkPassport({ name: 'Jürgen Müller', birthDate: '1980-01-01', nationality: 'DE', now, mrz }).reasons).toEqual([]);
  });
});

describe('checkPassport (property)', () => {
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const day = fc.date({ min: new Date('1930-01-01'), max: new Date('1999-12-31'), noInvalidDate: true });
  // Positions in line 2 of digits a check digit guards: document number and its check (0-9),
  // birth date and its check (13-19), expiry and its check (21-27).
  const guarded = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27];

  it('accepts any zone built with correct check digits, and refuses it once any guarded digit changes', () => {
    fc.assert(
      fc.property(digits(9), day, fc.constantFrom(...guarded), fc.integer({ min: 1, max: 9 }), (number, born, at, shift) => {
        const birth = born.toISOString().slice(2, 10).replaceAll('-', '');
        const birthDate = born.toISOString().slice(0, 10);
        const mrz = td3({ number, birth });
        expect(checkPassport({ ...anna, birthDate, mrz }).reasons).toEqual([]);
        const changed = mrz[1].slice(0, at) + String((Number(mrz[1][at]) + shift) % 10) + mrz[1].slice(at + 1);
        expect(checkPassport({ ...anna, birthDate, mrz: [mrz[0], changed] }).reasons).toContain('document_checksum');
      }),
      { numRuns: 200 },
    );
  });
});

describe('mrzNameAgrees', () => {
  const zone = (lastName: string, firstName: string, truncated = false) => ({ lastName, firstName, truncated });

  it('ignores case, word order and diacritics', () => {
    expect(mrzNameAgrees('ERIKSSON anna maría', zone('ERIKSSON', 'ANNA MARIA'))).toBe(true);
  });

  it('accepts either ICAO transliteration of umlauts', () => {
    expect(mrzNameAgrees('Jürgen Müller', zone('MUELLER', 'JUERGEN'))).toBe(true);
    expect(mrzNameAgrees('Jürgen Müller', zone('MULLER', 'JURGEN'))).toBe(true);
  });

  it('drops apostrophes and splits hyphens as the zone does', () => {
    expect(mrzNameAgrees("Seán O'Brien-Smith", zone('OBRIEN SMITH', 'SEAN'))).toBe(true);
  });

  it('accepts a name the zone truncated', () => {
    expect(mrzNameAgrees('Maximiliana Wolfeschlegelsteinhausen', zone('WOLFESCHLEGELSTEINHAUSEN', 'MAXIMIL', true))).toBe(true);
  });

  it('refuses a missing or different given name', () => {
    expect(mrzNameAgrees('Anna Eriksson', zone('ERIKSSON', 'ANNA MARIA'))).toBe(false);
    expect(mrzNameAgrees('Anna Maria Eriksen', zone('ERIKSSON', 'ANNA MARIA'))).toBe(false);
  });
});

describe('checkPhone', () => {
  it('accepts a valid number in E.164 form and normalises it', () => {
    expect(checkPhone({ phone: '+86 138 0013 8000' })).toEqual({ ok: true, reasons: [], e164: '+8613800138000' });
  });

  it('reads a national number in the default country', () => {
    expect(checkPhone({ phone: '138 0013 8000', defaultCountry: 'CN' }).e164).toBe('+8613800138000');
  });

  it('refuses a number outside the numbering plan', () => {
    expect(checkPhone({ phone: '+86 138 0013' })).toEqual({ ok: false, reasons: ['phone_invalid'], e164: null });
    expect(checkPhone({ phone: '+1 555 0100' }).reasons).toEqual(['phone_invalid']);
  });
});
