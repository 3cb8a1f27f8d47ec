import { describe, expect, it } from 'vitest';
import { merchantAccount, platformAccount } from '#lib/ledger/accounts.js';
import { forgetAccountStates } from '#lib/ledger/account-states.js';
import { balanceMovements, transferItems, type TransferIntent } from '#lib/ledger/transfers.js';

const merchant = merchantAccount('mer_1', 'USDC');
const clearing = platformAccount('clearing', 'USDC');
const fees = platformAccount('fees', 'USDC');
const deposits = platformAccount('deposits:local-a', 'USDC');
const nowIso = '2026-12-07T04:00:00.000Z';

/** What transferItems writes of each balance transaction, in the fields a movement states. */
function writtenEntries(transfers: TransferIntent[]) {
  return transferItems('t', transfers, nowIso)
    .filter((item) => item.Put?.Item?.entity?.S === 'balance-transaction')
    .map(({ Put }) => {
      const i = Put!.Item!;
      return {
        transfer_id: i.transferId!.S, type: i.type!.S, source: i.source!.S, asset: i.asset!.S, net: i.net!.N, fee: i.fee!.N,
        ...(i.chain ? { chain: i.chain.S } : {}), ...(i.txHash ? { tx_hash: i.txHash.S } : {}),
      };
    });
}

describe('balanceMovements', () => {
  it('states every balance transaction transferItems writes for the batch, in its order and fields', () => {
    forgetAccountStates();
    const hold = { id: 'trf_hold_pay_2', debit: merchant, credit: clearing, amountMinor: 1_030n, asset: 'USDC' };
    const transfers: TransferIntent[] = [
      { kind: 'posted', id: 'trf_deposit_x', debit: deposits, credit: merchant, amountMinor: 9_900n, asset: 'USDC', memo: { type: 'charge', source: 'ch_1', chain: 'local-a', txHash: '0xab', feeMinor: 100n } },
      { kind: 'posted', id: 'trf_deposit_x_fee', debit: deposits, credit: fees, amountMinor: 100n, asset: 'USDC', rootId: 'trf_deposit_x' },
      { kind: 'posted', id: 'trf_payout_pay_1', debit: merchant, credit: clearing, amountMinor: 500n, asset: 'USDC', memo: { type: 'payment', source: 'pay_1', chain: 'local-a' } },
      { kind: 'posted', id: 'trf_fee_pay_1', debit: merchant, credit: fees, amountMinor: 5n, asset: 'USDC', rootId: 'trf_payout_pay_1', memo: { type: 'payout_fee', source: 'pay_1' } },
      { kind: 'post_pending', id: 'trf_capture_pay_2', pending: hold, amountMinor: 1_030n, memo: { type: 'payment', source: 'pay_2', feeMinor: 30n } },
      { kind: 'pending', id: 'trf_hold_pay_3', debit: merchant, credit: clearing, amountMinor: 7n, asset: 'USDC' },
    ];
    const movements = balanceMovements(transfers);
    expect(movements).toEqual(writtenEntries(transfers));
    expect(movements.map((m) => m.transfer_id)).toEqual(['trf_deposit_x', 'trf_payout_pay_1', 'trf_fee_pay_1', 'trf_capture_pay_2']);
    expect(movements[3]).toEqual({ transfer_id: 'trf_capture_pay_2', type: 'payment', source: 'pay_2', asset: 'USDC', net: '-1030', fee: '30' });
  });

  it('states nothing for holds, voids and platform-only transfers', () => {
    const hold = { id: 'trf_hold_pay_4', debit: merchant, credit: clearing, amountMinor: 10n, asset: 'USDC' };
    expect(balanceMovements([
      { kind: 'pending', id: 'trf_hold_pay_5', debit: merchant, credit: clearing, amountMinor: 10n, asset: 'USDC' },
      { kind: 'void_pending', id: 'trf_void_pay_4', pending: hold },
      { kind: 'posted', id: 'trf_settle_pay_6', debit: clearing, credit: platformAccount('hotwallet:local-a', 'USDC'), amountMinor: 10n, asset: 'USDC' },
    ])).toEqual([]);
  });
});
