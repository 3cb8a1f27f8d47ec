import { describe, expect, it } from 'vitest';
import { decideIdentity } from '#lib/compliance/customers/decide.js';
import { cnResidentIdCheckCharacter } from '#lib/compliance/kyc/documents/index.js';
import { compileSanctionsIndex, loadSanctionsIndex } from '#lib/compliance/kyc/screening/index.js';

const index = loadSanctionsIndex(compileSanctionsIndex(
  '100,"DOE, John Quincy","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1960 to 1962; nationality Iran."\r\n',
  '100,1,"aka","DOE, Johnny",-0- \r\n',
));
const now = new Date('2026-11-26T12:00:00Z');

function cnId(birthDate: string): string {
  const first17 = `110105${birthDate.replaceAll('-', '')}123`;
  return first17 + cnResidentIdCheckCharacter(first17);
}

function decide(overrides: { name?: string; birth_date?: string; number?: string; phone?: string; priorUse?: ('document_reused' | 'name_changed')[] } = {}) {
  const birth = overrides.birth_date ?? '1961-05-02';
  return decideIdentity({
    pii: { name: overrides.name ?? 'Maria Ostrowska', birth_date: birth, document: { type: 'cn_resident_id', number: overrides.number ?? cnId(birth) }, phone: overrides.phone },
    nationality: 'CN', now, index, priorUse: overrides.priorUse,
  });
}

describe('decideIdentity', () => {
  it('approves a valid document, a valid phone and a name listed nowhere', () => {
    expect(decide({ phone: '+8613912345678' })).toEqual({ status: 'approved', reasons: [], matches: [] });
  });

  it('rejects well-formed data that fails a check, naming each failed check', () => {
    const number = cnId('1961-05-02');
    const decision = decide({ number: number.slice(0, 17) + (number[17] === '1' ? '2' : '1'), phone: '+86 123' });
    expect(decision.status).toBe('rejected');
    expect(decision.reasons).toEqual(expect.arrayContaining(['document_checksum', 'phone_invalid']));
  });

  it('sends a sanctions match to review with the matched entry, its name and score', () => {
    const decision = decide({ name: 'Johnny Doe' });
    expect(decision.status).toBe('review');
    expect(decision.reasons).toEqual(['sanctions_match']);
    expect(decision.matches[0]).toMatchObject({ list: 'SDN', entry_id: 100, matched_name: 'DOE, Johnny', list_version: index.version });
    expect(decision.matches[0]!.score).toBeGreaterThanOrEqual(0.895);
  });

  it('rejects rather than reviews when a document check fails as well as the screening', () => {
    const decision = decide({ name: 'Johnny Doe', birth_date: '1961-05-02', number: cnId('1962-01-01') });
    expect(decision.status).toBe('rejected');
    expect(decision.reasons).toEqual(expect.arrayContaining(['birth_date_mismatch', 'sanctions_match']));
  });

  it('sends a document given before by another customer or under another name to review, with those reasons', () => {
    expect(decide({ priorUse: ['document_reused', 'name_changed'] })).toEqual({ status: 'review', reasons: ['document_reused', 'name_changed'], matches: [] });
    expect(decide({ priorUse: ['name_changed'] }).status).toBe('review');
  });

  it('still rejects a document that fails a check, whatever the register says', () => {
    const number = cnId('1961-05-02');
    const decision = decide({ number: number.slice(0, 17) + (number[17] === '1' ? '2' : '1'), priorUse: ['document_reused'] });
    expect(decision.status).toBe('rejected');
    expect(decision.reasons).toEqual(expect.arrayContaining(['document_checksum', 'document_reused']));
  });
});
