import { describe, expect, it } from 'vitest';
import { documentReasons, normalisedDocument, normalisedName } from '#lib/compliance/customers/documents.js';

describe('normalisedDocument', () => {
  it('reads a resident identity number in upper case, so a lower-case x is the same number', () => {
    expect(normalisedDocument({ type: 'cn_resident_id', number: '11010519491231002x' })).toBe('cn_resident_id:11010519491231002X');
  });

  it("reads a passport's number and issuing state from its MRZ, without filler", () => {
    const mrz: [string, string] = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
    expect(normalisedDocument({ type: 'passport', mrz })).toBe('passport:UTO:L898902C3');
  });
});

describe('normalisedName', () => {
  it('ignores case, accents, punctuation, titles and order, as screening does', () => {
    expect(normalisedName('Dr. José  María O\'Brien')).toBe(normalisedName('OBRIEN, maria jose'));
  });

  it('tells another name apart', () => {
    expect(normalisedName('Kim Jong Un')).not.toBe(normalisedName('Quentin Harrowgate Pell'));
  });
});

describe('documentReasons', () => {
  const register = (customers: string[], names: string[]) => ({ digest: 'd', customers, names, version: customers.length });

  it('finds nothing for a document never given, or given by the same customer under the same name', () => {
    expect(documentReasons(register([], []), 'cus_a', 'n1')).toEqual([]);
    expect(documentReasons(register(['cus_a'], ['n1']), 'cus_a', 'n1')).toEqual([]);
  });

  it('names another customer and another name', () => {
    expect(documentReasons(register(['cus_b'], ['n1']), 'cus_a', 'n1')).toEqual(['document_reused']);
    expect(documentReasons(register(['cus_a'], ['n2']), 'cus_a', 'n1')).toEqual(['name_changed']);
    expect(documentReasons(register(['cus_a', 'cus_b'], ['n1', 'n2']), 'cus_a', 'n1')).toEqual(['document_reused', 'name_changed']);
  });
});
