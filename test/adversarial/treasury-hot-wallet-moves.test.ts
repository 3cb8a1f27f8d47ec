import { DeleteItemCommand, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { Wallet } from 'ethers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approvalKey } from '#lib/merchants/approvals/items.js';
import { submitPayouts } from '#lib/money/payouts/submit.js';
import { moveHash } from '#lib/treasury/moves/move.js';
import { submitHotWalletMove } from '#lib/treasury/moves/submit.js';
import { openMoveKey, transferKey, type TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { readTransfer } from '#lib/treasury/transfers/steps.js';
import { chainByName, provider, usdcBalance } from '../support/chain.js';
import { clients, someAddress } from '../support/deps.js';
import { hotWalletMoveWorld } from '../support/hot-wallet-moves.js';
import { capturedPayment, crashAfterNonceRecord, merchantIn } from '../integration/payouts/world.js';

// Attacks on moves out of a hot wallet (lib/treasury/moves): someone who can write the table (a
// compromised function with a whole-table role, or an insider) rewrites what was approved, forges an
// approval, or has a move executed twice; a payout races a move for the same money. The world is
// the test's own (table, hot wallets, local-a's Safe, relayer: test/support/hot-wallet-moves.ts).

const USDC = 1_000_000n;
const attacker = Wallet.createRandom().address;
let world: Awaited<ReturnType<typeof hotWalletMoveWorld>>;
const db = () => ({ dynamodb: clients().dynamodb, tableName: world.tableName });

beforeAll(async () => {
  world = await hotWalletMoveWorld();
}, 240_000);

// Each attack on its own: a move one of them left open (an attack that got through) holds no other back.
afterEach(async () => {
  await clients().dynamodb.send(new DeleteItemCommand({ TableName: world.tableName, Key: openMoveKey({ chainId: chainByName('local-a').chainId, wallet: world.hotWallets['local-a'] }) }));
});

/** What a writer of TTRANSFER# items does: the stored record (its body) rewritten in place. */
async function rewriteTransfer(id: string, change: (transfer: TreasuryTransfer) => TreasuryTransfer): Promise<void> {
  const { Item } = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: transferKey(id), ConsistentRead: true }));
  const body = change(JSON.parse(Item!.body!.S!) as TreasuryTransfer);
  await clients().dynamodb.send(new UpdateItemCommand({ TableName: world.tableName, Key: transferKey(id), UpdateExpression: 'SET body = :body', ExpressionAttributeValues: { ':body': { S: JSON.stringify(body) } } }));
}

async function proposed(kind: 'sweep' | 'top_up', to: 'local-a' | 'local-b', amount: bigint) {
  const outcome = await world.propose(kind, 'local-a', to, amount);
  if (outcome.outcome !== 'proposed') throw new Error(`not proposed: ${outcome.outcome}`);
  return outcome;
}

async function approvedAndRequested(kind: 'sweep' | 'top_up', to: 'local-a' | 'local-b', amount: bigint) {
  const move = await proposed(kind, to, amount);
  await world.decide(0, move.approval);
  await world.decide(1, move.approval);
  await world.driveUntil(move.transfer, 'executing');
  return move;
}

describe('moves out of a hot wallet under attack', () => {
  it('never hands over a move whose transfer was rewritten after its approval to pay someone else (its hash recomputed to match)', async () => {
    const move = await proposed('sweep', 'local-a', 40n * USDC);
    await world.decide(0, move.approval);
    await world.decide(1, move.approval);
    const nonce = (await world.walletState('local-a')).nextNonce;
    await rewriteTransfer(move.transfer, (t) => {
      const forged = { ...t.move!, recipient: attacker };
      return { ...t, to: { ...t.to, address: attacker }, move: { ...forged, hash: moveHash({ transferId: t.id, asset: t.asset, amountMinor: BigInt(t.amount), route: t.route }, forged) } };
    });
    await world.driveUntil(move.transfer, 'failed');
    expect((await readTransfer(db(), move.transfer)).failure).toMatch(/is not the approved/);
    expect(world.requested.filter((m) => m.transferId === move.transfer)).toEqual([]);
    // Even delivered to chain-submit: nothing is signed.
    expect(await submitHotWalletMove(world.payouts, move.transfer)).toBe('nothing_to_do');
    expect((await world.walletState('local-a')).nextNonce).toBe(nonce);
    expect(await usdcBalance('local-a', attacker)).toBe(0n);
  }, 120_000);

  it('never signs a move whose amount was rewritten after the treasury function handed it to chain-submit', async () => {
    const move = await approvedAndRequested('sweep', 'local-a', 30n * USDC);
    const [nonce, safeBefore] = [(await world.walletState('local-a')).nextNonce, await usdcBalance('local-a', world.safe)];
    await rewriteTransfer(move.transfer, (t) => ({ ...t, amount: String(900n * USDC), move: { ...t.move!, amount: String(900n * USDC) } }));
    expect(await submitHotWalletMove(world.payouts, move.transfer)).toBe('refused');
    const transfer = await readTransfer(db(), move.transfer);
    expect(transfer).toMatchObject({ status: 'failed' });
    expect(transfer.failure).toMatch(/altered/);
    expect(transfer.moveSubmission).toBeUndefined();
    expect((await world.walletState('local-a')).nextNonce).toBe(nonce);
    expect(await usdcBalance('local-a', world.safe)).toBe(safeBefore);
  }, 120_000);

  it('moves nothing for a request item rewritten to approved without votes, nor for a transfer forged to executing', async () => {
    const move = await proposed('sweep', 'local-a', 25n * USDC);
    const { Item } = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: approvalKey(move.approval), ConsistentRead: true }));
    const object = { ...JSON.parse(Item!.object!.S!), status: 'approved' };
    await clients().dynamodb.send(new UpdateItemCommand({
      TableName: world.tableName, Key: approvalKey(move.approval), UpdateExpression: 'SET #status = :approved, #object = :object',
      ExpressionAttributeNames: { '#status': 'status', '#object': 'object' }, ExpressionAttributeValues: { ':approved': { S: 'approved' }, ':object': { S: JSON.stringify(object) } },
    }));
    await world.driveUntil(move.transfer, 'awaiting_approval');
    expect(world.requested.filter((m) => m.transferId === move.transfer)).toEqual([]);

    // The transfer itself set to executing, and chain-submit asked directly: the votes are counted again there.
    const [nonce, walletBefore] = [(await world.walletState('local-a')).nextNonce, await usdcBalance('local-a', world.hotWallets['local-a'])];
    await clients().dynamodb.send(new UpdateItemCommand({
      TableName: world.tableName, Key: transferKey(move.transfer), UpdateExpression: 'SET #status = :executing', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':executing': { S: 'executing' } },
    }));
    expect(await submitHotWalletMove(world.payouts, move.transfer)).toBe('refused');
    expect((await readTransfer(db(), move.transfer)).failure).toMatch(/0 counted votes of 2/);
    expect((await world.walletState('local-a')).nextNonce).toBe(nonce);
    expect(await usdcBalance('local-a', world.hotWallets['local-a'])).toBe(walletBefore);
  }, 120_000);

  it('signs a move once: concurrent deliveries take two nonces between them (one approve, one burn), and a transfer reset to executing afterwards is refused', async () => {
    const amount = 20n * USDC;
    const move = await approvedAndRequested('top_up', 'local-b', amount);
    const minted = await usdcBalance('local-b', world.hotWallets['local-b']);
    const sent = await provider('local-a').getTransactionCount(world.hotWallets['local-a'], 'pending');
    const outcomes = await Promise.all([submitHotWalletMove(world.payouts, move.transfer), submitHotWalletMove(world.payouts, move.transfer)]);
    expect(outcomes.sort()).toEqual(['rebroadcast', 'submitted']);
    const { firstNonce } = (await readTransfer(db(), move.transfer)).moveSubmission!;
    expect(firstNonce).toBe(sent);
    expect((await world.walletState('local-a')).nextNonce).toBe(firstNonce + 2);
    await world.driveUntil(move.transfer, 'succeeded');
    expect(await usdcBalance('local-b', world.hotWallets['local-b'])).toBe(minted + amount);

    // The recorded burn sent again by anyone: its nonce is used.
    const done = await readTransfer(db(), move.transfer);
    await expect(provider('local-a').broadcastTransaction(done.moveSubmission!.txs[1]!.raw)).rejects.toThrow(/nonce|known/i);
    // A writer of the table sets the transfer back to executing and removes the record of its signing.
    await clients().dynamodb.send(new UpdateItemCommand({
      TableName: world.tableName, Key: transferKey(move.transfer), UpdateExpression: 'SET #status = :executing REMOVE execTxHash, execRawTx, moveSubmission',
      ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':executing': { S: 'executing' } },
    }));
    expect(await submitHotWalletMove(world.payouts, move.transfer)).toBe('refused');
    expect((await readTransfer(db(), move.transfer)).failure).toMatch(/signed once already/);
    expect((await world.walletState('local-a')).nextNonce).toBe(firstNonce + 2);
    expect(await provider('local-a').getTransactionCount(world.hotWallets['local-a'], 'pending')).toBe(firstNonce + 2);
    expect(await usdcBalance('local-b', world.hotWallets['local-b'])).toBe(minted + amount);
  }, 300_000);

  it('keeps a payout from spending what a move has taken: signed and recorded, not yet on chain, the payout waits for liquidity', async () => {
    const wallet = world.hotWallets['local-a'];
    const balance = await usdcBalance('local-a', wallet);
    const available = balance - (await world.walletState('local-a')).inFlight;
    // The move takes all but 5 USDC; a 10 USDC payout would fit in the balance the chain still shows.
    const move = await approvedAndRequested('sweep', 'local-a', available - 5n * USDC);
    const disarm = crashAfterNonceRecord(world.payouts.dynamodb);
    await expect(submitHotWalletMove(world.payouts, move.transfer)).rejects.toThrow(/simulated crash/);
    disarm();
    expect(await usdcBalance('local-a', wallet)).toBe(balance);

    const merchant = await merchantIn(world, 100n * USDC);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 10n * USDC);
    const [result] = await submitPayouts(world.payouts, [payment]);
    expect(result).toEqual({ paymentId: payment.id, outcome: 'waiting_liquidity' });

    // The move goes on from its record (the crash lost only the broadcast).
    expect(await submitHotWalletMove(world.payouts, move.transfer)).toBe('rebroadcast');
    await world.driveUntil(move.transfer, 'succeeded');
    expect(await usdcBalance('local-a', wallet)).toBe(balance - (available - 5n * USDC));
  }, 180_000);
});
