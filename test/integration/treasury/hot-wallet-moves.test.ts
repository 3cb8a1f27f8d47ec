import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Transaction } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { readApproval } from '#lib/merchants/approvals/items.js';
import { nonceKey } from '#lib/money/payouts/items.js';
import { readMerchantLog } from '#lib/audit/reads.js';
import { submitHotWalletMove } from '#lib/treasury/moves/submit.js';
import { readTransfer } from '#lib/treasury/transfers/steps.js';
import { usdcBalance } from '../../support/chain.js';
import { clients } from '../../support/deps.js';
import { hotWalletMoveWorld } from '../../support/hot-wallet-moves.js';
import { accountBalance } from '../../support/ledger-balance.js';
import { platformEventsOf } from '../../support/platform-events.js';

// Moves out of a hot wallet end to end on the real emulators and chains, in a world of the test's
// own (table, hot wallets, local-a's Safe, relayer: test/support/hot-wallet-moves.ts): proposed with
// its approval request, approved by two owners with TOTP codes, handed by the treasury function to
// chain-submit, signed once at the wallet's next nonce(s) with the amount reserved for payouts,
// confirmed by the treasury function at depth, and booked. Same chain: hot wallet → its treasury
// Safe. Across chains: exact approve + CCTP burn from local-a's hot wallet, minted into local-b's.

const USDC = 1_000_000n;
let world: Awaited<ReturnType<typeof hotWalletMoveWorld>>;
const db = () => ({ dynamodb: clients().dynamodb, tableName: world.tableName });

beforeAll(async () => {
  world = await hotWalletMoveWorld();
}, 240_000);

describe('a move out of a hot wallet', () => {
  it('sweeps local-a\'s hot wallet into its treasury Safe after two approvals, once, and books hotwallet → treasury', async () => {
    const amount = 120n * USDC;
    const [safeBefore, walletBefore] = [await usdcBalance('local-a', world.safe), await usdcBalance('local-a', world.hotWallets['local-a'])];
    const proposed = await world.propose('sweep', 'local-a', 'local-a', amount);
    if (proposed.outcome !== 'proposed') throw new Error(`not proposed: ${proposed.outcome}`);
    const transfer = await readTransfer(db(), proposed.transfer);
    expect(transfer).toMatchObject({
      status: 'proposed', route: 'transfer', amount: amount.toString(), approvalId: proposed.approval, threshold: 2,
      from: { chain: 'local-a', account: 'hot_wallet', address: world.hotWallets['local-a'] }, to: { chain: 'local-a', account: 'treasury', address: world.safe },
      move: { wallet: world.hotWallets['local-a'], recipient: world.safe, amount: amount.toString() },
    });
    expect(transfer.safeTx).toBeUndefined();
    const { approval, change } = await readApproval(db(), world.platformMerchantId, proposed.approval);
    expect(change).toEqual({ kind: 'treasury.transfer', transferId: transfer.id, moveHash: transfer.move!.hash });
    expect(approval).toMatchObject({ status: 'pending', action: 'treasury.transfer', approvals_required: 2, details: { move_hash: transfer.move!.hash, to_address: world.safe, from_account: 'hot_wallet', route: 'transfer' } });

    // One approval: nothing is handed to chain-submit.
    await world.decide(0, proposed.approval);
    await world.driveUntil(transfer.id, 'awaiting_approval');
    expect(world.requested.filter((m) => m.transferId === transfer.id)).toEqual([]);

    // The second: the treasury function asks chain-submit, in the wallet's message group.
    await world.decide(1, proposed.approval);
    await world.driveUntil(transfer.id, 'executing');
    expect(world.requested.filter((m) => m.transferId === transfer.id)[0]).toEqual({ type: 'treasury.move.requested', transferId: transfer.id, chain: 'local-a' });
    expect((await readTransfer(db(), transfer.id)).status).toBe('executing');

    const before = await world.walletState('local-a');
    expect(await submitHotWalletMove(world.payouts, transfer.id)).toBe('submitted');
    const signed = await readTransfer(db(), transfer.id);
    const submission = signed.moveSubmission!;
    expect(submission.txs).toHaveLength(1);
    expect(signed.execTxHash).toBe(submission.txs[0]!.hash);
    // The nonce taken on the WALLET item, the amount counted in flight for payouts, the nonce item naming the transfer.
    expect(await world.walletState('local-a')).toEqual({ inFlight: before.inFlight + amount, nextNonce: submission.firstNonce + 1 });
    const nonceItem = (await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: nonceKey('local-a', world.hotWallets['local-a'], submission.firstNonce), ConsistentRead: true }))).Item;
    expect(nonceItem?.transferId?.S).toBe(transfer.id);
    expect(Transaction.from(submission.txs[0]!.raw).from?.toLowerCase()).toBe(world.hotWallets['local-a'].toLowerCase());

    // Redelivered: the same bytes again, no second nonce.
    expect(await submitHotWalletMove(world.payouts, transfer.id)).toBe('rebroadcast');
    expect((await world.walletState('local-a')).nextNonce).toBe(submission.firstNonce + 1);

    await world.driveUntil(transfer.id, 'succeeded');
    expect(await usdcBalance('local-a', world.safe)).toBe(safeBefore + amount);
    expect(await usdcBalance('local-a', world.hotWallets['local-a'])).toBe(walletBefore - amount);
    expect(await accountBalance(world.tableName, 'platform:treasury:local-a:USDC')).toBe(amount);
    expect(await accountBalance(world.tableName, 'platform:hotwallet:local-a:USDC')).toBe(-amount);
    // Final at depth: the reservation is given back.
    expect((await world.walletState('local-a')).inFlight).toBe(before.inFlight);
    expect((await platformEventsOf(world.tableName, transfer.id)).map((e) => e.type).filter((t) => t.startsWith('treasury.transfer.'))).toEqual([
      'treasury.transfer.proposed', 'treasury.transfer.executing', 'treasury.transfer.executing', 'treasury.transfer.succeeded',
    ]);
    // Every step on the platform merchant's audit log, chain-submit's signing among them.
    const audited = (await readMerchantLog(db(), world.platformMerchantId)).filter((r) => r.body.object.id === transfer.id).map((r) => r.body.action);
    expect(audited).toEqual(['treasury.transfer_proposed', 'treasury.proposal_approved_by', 'treasury.proposal_approved', 'treasury.transfer_executing', 'treasury.transfer_move_signed', 'treasury.transfer_succeeded']);
    // Driven and delivered again: nothing more moves.
    expect(await submitHotWalletMove(world.payouts, transfer.id)).toBe('nothing_to_do');
    await world.driveUntil(transfer.id, 'succeeded');
    expect(await usdcBalance('local-a', world.safe)).toBe(safeBefore + amount);
  }, 240_000);

  it('tops up local-b\'s hot wallet from local-a\'s: an exact approve and a burn from the hot wallet, minted into local-b\'s, booked through in transit', async () => {
    const amount = 75n * USDC;
    const [sourceBefore, destinationBefore] = [await usdcBalance('local-a', world.hotWallets['local-a']), await usdcBalance('local-b', world.hotWallets['local-b'])];
    const [sourceLedger, destinationLedger] = [
      await accountBalance(world.tableName, 'platform:hotwallet:local-a:USDC'), await accountBalance(world.tableName, 'platform:hotwallet:local-b:USDC'),
    ];
    const proposed = await world.propose('top_up', 'local-a', 'local-b', amount);
    if (proposed.outcome !== 'proposed') throw new Error(`not proposed: ${proposed.outcome}`);
    const transfer = await readTransfer(db(), proposed.transfer);
    expect(transfer).toMatchObject({
      route: 'cctp', from: { chain: 'local-a', account: 'hot_wallet' }, to: { chain: 'local-b', account: 'hot_wallet', address: world.hotWallets['local-b'] },
      move: { recipient: world.hotWallets['local-b'], cctp: { mintRecipient: world.hotWallets['local-b'], destinationCaller: world.relayerAddress } },
    });
    const { approval } = await readApproval(db(), world.platformMerchantId, proposed.approval);
    expect(approval.details).toMatchObject({ mint_recipient: world.hotWallets['local-b'], destination_caller: world.relayerAddress, move_hash: transfer.move!.hash });

    await world.decide(0, proposed.approval);
    await world.decide(1, proposed.approval);
    await world.driveUntil(transfer.id, 'executing');
    const before = await world.walletState('local-a');
    expect(await submitHotWalletMove(world.payouts, transfer.id)).toBe('submitted');
    const submission = (await readTransfer(db(), transfer.id)).moveSubmission!;
    // Two nonces in one transaction: the exact approve first, then the burn.
    expect(submission.txs).toHaveLength(2);
    expect(submission.firstNonce).toBe(before.nextNonce);
    expect(await world.walletState('local-a')).toEqual({ inFlight: before.inFlight + amount, nextNonce: submission.firstNonce + 2 });
    expect(submission.txs.map((tx) => Transaction.from(tx.raw).nonce)).toEqual([submission.firstNonce, submission.firstNonce + 1]);

    await world.driveUntil(transfer.id, 'succeeded');
    const done = await readTransfer(db(), transfer.id);
    expect(done).toMatchObject({ status: 'succeeded', route: 'cctp' });
    expect(await usdcBalance('local-a', world.hotWallets['local-a'])).toBe(sourceBefore - amount);
    expect(await usdcBalance('local-b', world.hotWallets['local-b'])).toBe(destinationBefore + amount);
    expect(await accountBalance(world.tableName, 'platform:hotwallet:local-a:USDC')).toBe(sourceLedger - amount);
    expect(await accountBalance(world.tableName, 'platform:in_transit:cctp:USDC')).toBe(0n);
    expect(await accountBalance(world.tableName, 'platform:hotwallet:local-b:USDC')).toBe(destinationLedger + amount);
    expect((await world.walletState('local-a')).inFlight).toBe(before.inFlight);
    expect((await platformEventsOf(world.tableName, transfer.id)).map((e) => e.type).filter((t) => t.startsWith('treasury.transfer.'))).toEqual([
      'treasury.transfer.proposed', 'treasury.transfer.executing', 'treasury.transfer.executing', 'treasury.transfer.burned', 'treasury.transfer.minting', 'treasury.transfer.succeeded',
    ]);
    // Delivered again after the burn: no second burn.
    expect(await submitHotWalletMove(world.payouts, transfer.id)).toBe('nothing_to_do');
    expect((await world.walletState('local-a')).nextNonce).toBe(submission.firstNonce + 2);
  }, 300_000);

  it('fails a move its owners reject, and frees the wallet for the next proposal', async () => {
    const proposed = await world.propose('sweep', 'local-a', 'local-a', 10n * USDC);
    if (proposed.outcome !== 'proposed') throw new Error(`not proposed: ${proposed.outcome}`);
    // One open move per hot wallet.
    expect((await world.propose('sweep', 'local-a', 'local-a', 11n * USDC)).outcome).toBe('hot_wallet_busy');
    await world.decide(0, proposed.approval, 'reject');
    await world.driveUntil(proposed.transfer, 'failed');
    expect((await readTransfer(db(), proposed.transfer)).failure).toMatch(/rejected/);
    const next = await world.propose('sweep', 'local-a', 'local-a', 12n * USDC);
    expect(next.outcome).toBe('proposed');
    // Left open: later files' worlds are their own, so nothing else waits on it.
  }, 120_000);
});
