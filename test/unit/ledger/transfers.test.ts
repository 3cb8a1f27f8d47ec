import { describe, expect, it } from 'vitest';
import { merchantAccount, platformAccount, shardFor } from '#lib/ledger/accounts.js';
import { transferItems } from '#lib/ledger/transfers.js';

const merchant = merchantAccount('mer_1', 'USDC');
const clearing = platformAccount('clearing', 'USDC');
const fees = platformAccount('fees', 'USDC');
const nowIso = '2026-12-07T04:00:00.000Z';

function updates(items: ReturnType<typeof transferItems>) {
  return items.filter((i) => i.Update && i.Update.Key?.pk?.S?.startsWith('ACCOUNT#')).map((i) => i.Update!);
}

describe('transferItems', () => {
  it('guards a pending debit of a merchant account with available >= amount', () => {
    const items = transferItems('t', [{ kind: 'pending', id: 'trf_1', debit: merchant, credit: clearing, amountMinor: 500n, asset: 'USDC' }], nowIso);
    const debit = updates(items).find((u) => u.Key!.pk!.S === `ACCOUNT#${merchant}`)!;
    expect(debit.ConditionExpression).toBe('attribute_exists(pk) AND available >= :need');
    expect(debit.ExpressionAttributeValues![':need']).toEqual({ N: '500' });
    expect(debit.ExpressionAttributeValues![':avail']).toEqual({ N: '-500' });
    expect(items.find((i) => i.Put)?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('writes one update per account item when several transfers touch it, summing their deltas', () => {
    const items = transferItems('t', [
      { kind: 'posted', id: 'trf_p', debit: merchant, credit: clearing, amountMinor: 100n, asset: 'USDC', memo: { type: 'payment', source: 'pay_1' } },
      { kind: 'posted', id: 'trf_f', debit: merchant, credit: fees, amountMinor: 3n, asset: 'USDC', rootId: 'trf_p', memo: { type: 'payout_fee', source: 'pay_1' } },
    ], nowIso);
    const keys = updates(items).map((u) => `${u.Key!.pk!.S}|${u.Key!.sk!.S}`);
    expect(new Set(keys).size).toBe(keys.length);
    const debit = updates(items).find((u) => u.Key!.pk!.S === `ACCOUNT#${merchant}`)!;
    expect(debit.ExpressionAttributeValues![':dpost']).toEqual({ N: '103' });
    expect(debit.ExpressionAttributeValues![':need']).toEqual({ N: '103' });
  });

  it('posting part of a pending transfer releases the rest without a balance condition', () => {
    const pending = { id: 'trf_h', debit: merchant, credit: clearing, amountMinor: 1000n, asset: 'USDC' };
    const items = transferItems('t', [{ kind: 'post_pending', id: 'trf_c', pending, amountMinor: 400n, memo: { type: 'payment', source: 'pay_1' } }], nowIso);
    const debit = updates(items).find((u) => u.Key!.pk!.S === `ACCOUNT#${merchant}`)!;
    expect(debit.ConditionExpression).toBe('attribute_exists(pk) AND attribute_not_exists(postings) AND creditsPosted = :seenCredits AND debitsPosted = :seenDebits');
    expect(debit.ExpressionAttributeValues![':avail']).toEqual({ N: '600' });
    const resolve = items.find((i) => i.Update?.Key?.pk?.S === 'TRANSFER#trf_h')!;
    expect(resolve.Update!.ConditionExpression).toBe('#state = :pending');
  });

  it('puts platform-side deltas on the shard of the pending transfer, so post and void hit the item the hold wrote', () => {
    const pending = { id: 'trf_h2', debit: merchant, credit: clearing, amountMinor: 10n, asset: 'USDC' };
    const hold = transferItems('t', [{ kind: 'pending', ...pending }], nowIso);
    const voided = transferItems('t', [{ kind: 'void_pending', id: 'trf_v', pending }], nowIso);
    const shardKey = (items: ReturnType<typeof transferItems>) => updates(items).find((u) => u.Key!.pk!.S === `ACCOUNT#${clearing}`)!.Key!.sk!.S;
    expect(shardKey(hold)).toBe(shardKey(voided));
    expect(shardKey(hold)).toBe(`SHARD#${String(shardFor('trf_h2')).padStart(2, '0')}`);
  });

  it('refuses a post larger than the pending amount', () => {
    const pending = { id: 'trf_h3', debit: merchant, credit: clearing, amountMinor: 10n, asset: 'USDC' };
    expect(() => transferItems('t', [{ kind: 'post_pending', id: 'x', pending, amountMinor: 11n }], nowIso)).toThrow(RangeError);
  });
});
