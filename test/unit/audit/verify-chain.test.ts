import { describe, expect, it } from 'vitest';
import { canonicalJson, genesisHash, recordHash, recordItem, recordSortKey, sealRecord, storedRecordFromItem, type AuditRecordBody, type StoredRecord } from '#lib/audit/record.js';
import { verifyChain } from '#lib/audit/verify-chain.js';

function chain(n: number): StoredRecord[] {
  const records: StoredRecord[] = [];
  let prev = genesisHash;
  for (let seq = 1; seq <= n; seq += 1) {
    const record = sealRecord({
      merchant_id: 'mer_1', lane: 0, seq, at: new Date(Date.UTC(2026, 10, 26, 12, 0, seq)).toISOString(),
      actor: { type: 'api_key', id: 'key_1' }, action: 'payment.authorized', object: { type: 'payment', id: `pay_${seq}` }, prev_hash: prev,
    });
    records.push(storedRecordFromItem(recordItem(record)));
    prev = record.hash;
  }
  return records;
}
/** The stored record with another body, as someone editing the item's `body` attribute leaves it. */
const withBody = (stored: StoredRecord, body: AuditRecordBody): StoredRecord => ({ ...stored, body, bodyText: canonicalJson(body) });
const headOf = (records: StoredRecord[]) => ({ seq: records.at(-1)!.body.seq, hash: records.at(-1)!.hash });

describe('verifyChain', () => {
  it('accepts an untouched chain and reports its last hash', () => {
    const records = chain(10);
    expect(verifyChain(records, undefined, headOf(records))).toEqual({ checked: 10, lastHash: records[9]!.hash, lastSeq: 10 });
  });

  it('hashes canonical JSON: the same record with its keys in another order has the same hash', () => {
    const { body } = chain(1)[0]!;
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as typeof body;
    expect(recordHash(reordered)).toBe(recordHash(body));
  });

  it('names a record whose body was changed', () => {
    const records = chain(10);
    const head = headOf(records);
    records[3] = withBody(records[3]!, { ...records[3]!.body, action: 'payment.canceled' });
    expect(verifyChain(records, undefined, head).broken).toMatchObject({ kind: 'changed', seq: 4 });
  });

  it('names a record changed with a freshly computed hash, by the link of the record after it', () => {
    const records = chain(10);
    const head = headOf(records);
    const forged = sealRecord({ ...records[3]!.body, object: { type: 'payment', id: 'pay_forged' } });
    records[3] = { ...withBody(records[3]!, { ...records[3]!.body, object: forged.object }), hash: forged.hash };
    expect(verifyChain(records, undefined, head).broken).toMatchObject({ kind: 'changed', seq: 4 });
  });

  it('names a removed record, in the middle or at the end', () => {
    const records = chain(10);
    const head = headOf(records);
    expect(verifyChain(records.filter((_, i) => i !== 5), undefined, head).broken).toMatchObject({ kind: 'removed', seq: 6 });
    expect(verifyChain(records.slice(0, 9), undefined, head).broken).toMatchObject({ kind: 'removed', seq: 10 });
  });

  it('names an inserted item, whatever key it was given', () => {
    const records = chain(10);
    const head = headOf(records);
    const fake = { ...records[4]!, sk: `${recordSortKey(5)}a` };
    expect(verifyChain([...records.slice(0, 5), fake, ...records.slice(5)], undefined, head).broken).toMatchObject({ kind: 'inserted', sk: fake.sk });
  });

  it('names records whose places were swapped', () => {
    const records = chain(10);
    const head = headOf(records);
    const swapped = [...records];
    [swapped[2], swapped[3]] = [{ ...records[3]!, sk: records[2]!.sk }, { ...records[2]!, sk: records[3]!.sk }];
    expect(verifyChain(swapped, undefined, head).broken).toMatchObject({ kind: 'reordered', seq: 3 });
  });
});
