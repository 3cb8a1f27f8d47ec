import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createVerificationBodySchema } from '#lib/compliance/kyc/schemas.js';

const passportBody = {
  name: 'Anna Maria Eriksson',
  birth_date: '1974-08-12',
  nationality: 'SE',
  document: { type: 'passport', mrz: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'] },
};
const cnBody = { name: 'Wang Fang', birth_date: '1949-12-31', nationality: 'CN', document: { type: 'cn_resident_id', number: '11010519491231002X' } };

function issues(body: unknown): string[] {
  const result = createVerificationBodySchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('createVerificationBodySchema', () => {
  it('accepts a passport and a resident identity card body, with phone and address', () => {
    expect(issues(passportBody)).toEqual([]);
    expect(issues({ ...cnBody, phone: '+8613800138000', address: { line1: '1 Chang An Ave', city: 'Beijing', country: 'CN' } })).toEqual([]);
  });

  it('accepts well-formed data that will fail a check (the check, not the schema, rejects it)', () => {
    expect(issues({ ...cnBody, document: { type: 'cn_resident_id', number: '110105194912310021' } })).toEqual([]);
  });

  it.each([
    ['a missing name', { ...cnBody, name: undefined }, 'name'],
    ['a birth date in another format', { ...cnBody, birth_date: '31/12/1949' }, 'birth_date'],
    ['a birth date that does not exist', { ...cnBody, birth_date: '1949-02-30' }, 'birth_date'],
    ['a lower-case nationality', { ...cnBody, nationality: 'cn' }, 'nationality'],
    ['an unassigned nationality code', { ...cnBody, nationality: 'XX' }, 'nationality'],
    ['an unknown document type', { ...cnBody, document: { type: 'driving_licence', number: '1' } }, 'document.type'],
    ['a resident id number of 15 characters', { ...cnBody, document: { type: 'cn_resident_id', number: '110105491231002' } }, 'document.number'],
    ['a resident id number with a letter inside', { ...cnBody, document: { type: 'cn_resident_id', number: '1101051949A231002X' } }, 'document.number'],
    ['an MRZ line of 43 characters', { ...passportBody, document: { type: 'passport', mrz: [passportBody.document.mrz[0], passportBody.document.mrz[1]!.slice(1)] } }, 'document.mrz.1'],
    ['a single MRZ line', { ...passportBody, document: { type: 'passport', mrz: [passportBody.document.mrz[0]] } }, 'document.mrz'],
    ['an MRZ with lower-case letters', { ...passportBody, document: { type: 'passport', mrz: [passportBody.document.mrz[0]!.toLowerCase(), passportBody.document.mrz[1]] } }, 'document.mrz.0'],
    ['an MRZ of another document (ID card line)', { ...passportBody, document: { type: 'passport', mrz: [`I${passportBody.document.mrz[0]!.slice(1)}`, passportBody.document.mrz[1]] } }, 'document.mrz.0'],
    ['an unknown field', { ...cnBody, email: 'a@b.c' }, ''],
    ['an unknown document field', { ...cnBody, document: { ...cnBody.document, issued: '2020' } }, 'document'],
    ['letters in the phone', { ...cnBody, phone: 'call me' }, 'phone'],
  ])('refuses %s', (_what, body, path) => {
    expect(issues(body)).toContain(path);
  });

  it('describes its fields for the OpenAPI document', () => {
    const json = JSON.stringify(z.toJSONSchema(createVerificationBodySchema, { io: 'input', unrepresentable: 'any' }));
    expect(json).toContain('Date of birth (YYYY-MM-DD).');
    expect(json).toContain('"minItems":2');
  });
});
