import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { readMerchantLog } from '#lib/audit/reads.js';
import { safeTxHash, tokenTransfer } from '#lib/treasury/safe/safe-tx.js';
import type { OwnerSignature, TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { addOwnerSignature, markExecuting, markMinting, proposeTransfer, readTransfer, recordBurn, recordFailure, recordMint, recordSameChainSuccess, type TransferStepDeps } from '#lib/treasury/transfers/steps.js';
import { clients, fundedMerchant } from '../../support/deps.js';
import { accountBalance } from '../../support/ledger-balance.js';
import { platformEventsOf } from '../../support/platform-events.js';
import { isolatedTable } from '../../support/isolated.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';

// The steps of a treasury transfer as DynamoDB transactions, in a table of their own (their
// platform events and postings would otherwise mix with the stack's).
let deps: TransferStepDeps;
let tableName: string;

const safe = `0x${'5a'.repeat(20)}`;
const token = `0x${'7b'.repeat(20)}`;
const hotWalletB = `0x${'c3'.repeat(20)}`;

function proposal(route: 'safe' | 'cctp', amount = 2_500_000n): TreasuryTransfer {
  const tx = tokenTransfer(token, hotWalletB, amount, 7n);
  const at = new Date().toISOString();
  return {
    id: `tt_${randomBytes(8).toString('hex')}`, status: 'proposed', route, asset: 'USDC', amount: amount.toString(),
    from: { chain: 'local-a', account: 'treasury' }, to: { chain: route === 'safe' ? 'local-a' : 'local-b', account: 'hot_wallet', address: hotWalletB },
    reason: { forecast_generated_at: at, dry_probability: '0.4' }, threshold: 2,
    safeTx: { safe, chainId: 31337, to: tx.to, data: tx.data, operation: 0, nonce: '7', hash: safeTxHash(31337, safe, tx) },
    signatures: {}, createdAt: at, updatedAt: at,
  };
}

const signature = (owner: number): OwnerSignature => ({
  owner: `0x${String(owner).repeat(40)}`, memberId: `mem_${owner}`, signature: `0x${randomBytes(65).toString('hex')}`, signedAt: new Date().toISOString(),
});

const platformBalance = (name: string) => accountBalance(tableName, `platform:${name}:USDC`);
const platformEvents = async (transferId: string) => (await platformEventsOf(tableName, transferId)).map((event) => event.type);

beforeEach(async () => {
  tableName = await isolatedTable();
  const platform = await fundedMerchant(0n, (p) => ({ ...p, platform: true }), tableName);
  deps = { dynamodb: clients().dynamodb, tableName, platformMerchantId: platform.merchant_id, now: () => new Date() };
});

describe('a treasury transfer across chains (CCTP)', () => {
  it('executes only with the threshold of signatures, records the burn once, and books treasury → in transit → hot wallet', async () => {
    const transfer = proposal('cctp');
    await proposeTransfer(deps, transfer);
    await expect(proposeTransfer(deps, transfer)).rejects.toMatchObject({ code: 'treasury_transfer_step_refused' });

    const one = await addOwnerSignature(deps, transfer.id, 1, signature(1));
    expect(Object.keys(one.signatures)).toEqual(['1']);
    await expect(markExecuting(deps, one, `0x${'e1'.repeat(32)}`, '0x02')).rejects.toMatchObject({ code: 'treasury_transfer_step_refused', extensions: { status: 'proposed' } });
    // The same owner again: refused, its first signature kept.
    await expect(addOwnerSignature(deps, transfer.id, 1, signature(1))).rejects.toMatchObject({ code: 'treasury_transfer_step_refused' });
    expect((await readTransfer(deps, transfer.id)).signatures['1']).toEqual(one.signatures['1']);

    const two = await addOwnerSignature(deps, transfer.id, 3, signature(3));
    await markExecuting(deps, two, `0x${'e1'.repeat(32)}`, '0x02');
    await expect(markExecuting(deps, two, `0x${'e2'.repeat(32)}`, '0x02')).rejects.toMatchObject({ extensions: { status: 'executing' } });
    await expect(addOwnerSignature(deps, transfer.id, 2, signature(2))).rejects.toMatchObject({ extensions: { status: 'executing' } });
    await expect(recordFailure(deps, two, 'proposed', 'rejected')).rejects.toMatchObject({ extensions: { status: 'executing' } });

    const executing = await readTransfer(deps, transfer.id);
    const message = `0x${randomBytes(248).toString('hex')}`;
    await recordBurn(deps, executing, message);
    await expect(recordBurn(deps, executing, message)).rejects.toMatchObject({ extensions: { status: 'burned' } });
    const burned = await readTransfer(deps, transfer.id);
    expect(burned.burn?.message).toBe(message);
    expect(burned.burn?.messageHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(burned.burnedAt).toMatch(/^\d{4}-/);
    expect(await platformBalance('treasury:local-a')).toBe(-2_500_000n);
    expect(await platformBalance('in_transit:cctp')).toBe(2_500_000n);
    // Burned tokens are minted, however late: a burned transfer never fails.
    await expect(recordFailure(deps, burned, 'executing', 'timeout')).rejects.toMatchObject({ extensions: { status: 'burned' } });

    await markMinting(deps, burned, `0x${'f1'.repeat(32)}`, '0x02');
    await expect(markMinting(deps, burned, `0x${'f2'.repeat(32)}`, '0x02')).rejects.toMatchObject({ extensions: { status: 'minting' } });
    const minting = await readTransfer(deps, transfer.id);
    expect(await platformBalance('in_transit:cctp')).toBe(2_500_000n);
    await recordMint(deps, minting);
    await expect(recordMint(deps, minting)).rejects.toMatchObject({ extensions: { status: 'succeeded' } });
    expect(await readTransfer(deps, transfer.id)).toMatchObject({ status: 'succeeded', mintTxHash: `0x${'f1'.repeat(32)}`, execTxHash: `0x${'e1'.repeat(32)}` });
    expect(await platformBalance('in_transit:cctp')).toBe(0n);
    expect(await platformBalance('hotwallet:local-b')).toBe(2_500_000n);
    await expectLedgerBalanced(tableName);

    expect(await platformEvents(transfer.id)).toEqual([
      'treasury.transfer.proposed', 'treasury.transfer.signed', 'treasury.transfer.signed', 'treasury.transfer.executing', 'treasury.transfer.burned', 'treasury.transfer.minting', 'treasury.transfer.succeeded',
    ]);
    const audited = (await readMerchantLog(deps, deps.platformMerchantId)).filter((r) => r.body.object.id === transfer.id).map((r) => r.body.action);
    expect(audited).toEqual(['treasury.transfer_proposed', 'treasury.transfer_signed', 'treasury.transfer_signed', 'treasury.transfer_executing', 'treasury.transfer_burned', 'treasury.transfer_minting', 'treasury.transfer_succeeded']);
  });
});

describe('a treasury transfer on one chain (Safe execTransaction)', () => {
  it('books treasury → hot wallet once when the execution mines, and a refused proposal fails without moving anything', async () => {
    const transfer = proposal('safe', 1_000_000n);
    await proposeTransfer(deps, transfer);
    await addOwnerSignature(deps, transfer.id, 1, signature(1));
    const signed = await addOwnerSignature(deps, transfer.id, 2, signature(2));
    await markExecuting(deps, signed, `0x${'a1'.repeat(32)}`, '0x02');
    const executing = await readTransfer(deps, transfer.id);
    await expect(recordBurn(deps, executing, '0x00')).rejects.toThrow(/nothing is burned/);
    await recordSameChainSuccess(deps, executing);
    await expect(recordSameChainSuccess(deps, executing)).rejects.toMatchObject({ extensions: { status: 'succeeded' } });
    expect(await platformBalance('treasury:local-a')).toBe(-1_000_000n);
    expect(await platformBalance('hotwallet:local-a')).toBe(1_000_000n);

    const refused = proposal('safe', 3_000_000n);
    await proposeTransfer(deps, refused);
    await recordFailure(deps, refused, 'proposed', 'rejected by members');
    expect(await readTransfer(deps, refused.id)).toMatchObject({ status: 'failed', failure: 'rejected by members' });
    await expect(addOwnerSignature(deps, refused.id, 1, signature(1))).rejects.toMatchObject({ extensions: { status: 'failed' } });
    expect(await platformBalance('treasury:local-a')).toBe(-1_000_000n);
    await expectLedgerBalanced(tableName);
  });
});
