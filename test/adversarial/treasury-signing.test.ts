import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { Contract, Wallet } from 'ethers';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsSigner } from '#chains';
import { decideApproval } from '#lib/merchants/approvals/decide.js';
import { newTreasuryTransferApproval } from '#lib/merchants/approvals/request.js';
import { setPolicyUnderPolicy } from '#lib/merchants/approvals/member-changes.js';
import { getMerchantProfile } from '#lib/merchants/merchants.js';
import { addMember, type MemberDeps } from '#lib/merchants/members/members.js';
import { driveTransfer, type TreasuryWorkerDeps } from '#lib/treasury/proposals/drive.js';
import { safeAbi } from '#lib/treasury/safe/safe-tx.js';
import { transferTransaction, type TreasuryChain } from '#lib/treasury/transfers/executor.js';
import { transferKey, type TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { proposeTransfer, readTransfer } from '#lib/treasury/transfers/steps.js';
import { heldChangeAppliers } from '../../functions/commons/approval-deps.js';
import { fundAddress } from '../../scripts/stack/chains.js';
import { createSafe, deploySafeInfrastructure } from '../../scripts/stack/safe.js';
import { Authenticator } from '../support/authenticator.js';
import { chainByName, provider, usdcBalance } from '../support/chain.js';
import { clients, fundedMerchant, merchantDeps } from '../support/deps.js';
import { isolatedTable, newHotWalletKey } from '../support/isolated.js';
import { stack } from '../support/stack.js';

// Attacks on the treasury's signing: someone who can write the table (a compromised function with a
// whole-table role, or an insider) or a member acting alone tries to move treasury money without
// the owners' approvals of exactly that transfer. The Safe is the test's own (the stack's owner keys),
// so no other test's proposal shares its nonce; the table is the test's own, so owners bind freely.

let safe: string;
let relayerKey: string;
let relayerAddress: string;
const recipient = Wallet.createRandom().address;
const attacker = Wallet.createRandom().address;
let tableName: string;
let platformMerchantId: string;
let owners: { id: string; otpauth: string }[];

const memberDeps = (): MemberDeps => ({ ...merchantDeps(), tableName, dataKeyId: stack().keys.DataKey!, treasury: { owners: 3, threshold: 2 } });

function treasuryChain(): TreasuryChain {
  const chain = chainByName('local-a');
  return {
    name: 'local-a', chainId: chain.chainId, usdc: chain.usdcAddress, hotWallet: recipient, safe, threshold: chain.treasury.threshold, relayer: relayerAddress,
    owners: chain.treasury.owners.map((owner) => ({ index: owner.index, keyId: owner.keyAlias, address: owner.address })),
  };
}

function workerDeps(): TreasuryWorkerDeps {
  const { dynamodb, kms } = clients();
  return {
    dynamodb, kms, tableName, platformMerchantId, now: () => new Date(), fetch, attestationDeadlineMs: 600_000,
    chain: () => treasuryChain(), provider: (name) => provider(name), sender: (name) => new KmsSigner(kms, relayerKey, provider(name)),
    ownerKms: () => kms, signal: () => undefined, requestMove: () => Promise.reject(new Error('no hot wallet moves here')),
  };
}

async function safeNonce(): Promise<bigint> {
  return (await new Contract(safe, safeAbi, provider('local-a')).getFunction('nonce')()) as bigint;
}

/** A same-chain transfer of `amount` to the test's recipient, proposed with its approval request, as the forecast job proposes. */
async function propose(amount: bigint): Promise<{ transfer: TreasuryTransfer; approvalId: string }> {
  const safeTx = await transferTransaction(workerDeps(), { from: 'local-a', to: 'local-a', amountMinor: amount, safeNonce: await safeNonce() });
  const at = new Date().toISOString();
  const transfer: TreasuryTransfer = {
    id: `tt_${randomBytes(8).toString('hex')}`, status: 'proposed', route: 'safe', asset: 'USDC', amount: amount.toString(),
    from: { chain: 'local-a', account: 'treasury' }, to: { chain: 'local-a', account: 'hot_wallet', address: recipient },
    reason: { kind: 'top_up' }, threshold: 2, safeTx, signatures: {}, createdAt: at, updatedAt: at,
  };
  const platform = await getMerchantProfile(memberDeps(), platformMerchantId);
  const approval = newTreasuryTransferApproval({ merchant: platform, transferId: transfer.id, safeTxHash: safeTx.hash, details: { amount: transfer.amount }, job: 'forecast-batch', now: new Date() });
  await proposeTransfer(workerDeps(), transfer, approval);
  return { transfer, approvalId: approval.approval.id };
}

async function approve(owner: { id: string; otpauth: string }, approvalId: string, decision: 'approve' | 'reject' = 'approve') {
  const { dynamodb, kms } = clients();
  return decideApproval({ dynamodb, kms, tableName, appliers: heldChangeAppliers({ dynamodb, tableName, holdExpiryMs: 3600_000 }), now: () => new Date() }, {
    merchantId: platformMerchantId, memberId: owner.id, approvalId, decision, code: await new Authenticator(owner.otpauth).nextCode(),
  });
}

const drive = (transferId: string) => driveTransfer(workerDeps(), transferId, Date.now() + 60_000);

beforeAll(async () => {
  const chain = chainByName('local-a');
  const infrastructure = await deploySafeInfrastructure(chain);
  safe = await createSafe(chain, infrastructure, chain.treasury.owners.map((owner) => owner.address), chain.treasury.threshold, BigInt(`0x${randomBytes(8).toString('hex')}`));
  await fundAddress(chain, safe, { gasWei: 0n, usdcMinor: 100_000_000n });
  relayerKey = await newHotWalletKey();
  relayerAddress = await new KmsSigner(clients().kms, relayerKey).getAddress();
  await fundAddress(chain, relayerAddress, { gasWei: 10n ** 19n, usdcMinor: 0n });
}, 120_000);

beforeEach(async () => {
  tableName = await isolatedTable();
  platformMerchantId = (await fundedMerchant(0n, (p) => ({ ...p, platform: true }), tableName)).merchant_id;
  owners = [];
  for (const owner of [1, 2, 3]) {
    const member = await addMember(memberDeps(), { merchantId: platformMerchantId, email: `owner-${owner}-${randomUUID().slice(0, 6)}@example.com`, treasuryOwner: owner });
    owners.push({ id: member.id, otpauth: member.otpauth_uri });
  }
  await setPolicyUnderPolicy(memberDeps(), { merchantId: platformMerchantId, policy: { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 } });
});

describe('a writer of the table against the treasury', () => {
  it('cannot redirect an approved transfer: a SafeTx rewritten to pay another address (hash and all) after the owners approved is never signed, and nothing moves', async () => {
    const { transfer, approvalId } = await propose(1_000_000n);
    const forged = await transferTransaction({ chain: () => ({ ...treasuryChain(), hotWallet: attacker }) }, { from: 'local-a', to: 'local-a', amountMinor: 1_000_000n, safeNonce: BigInt(transfer.safeTx!.nonce) });
    const item = (await clients().dynamodb.send(new GetItemCommand({ TableName: tableName, Key: transferKey(transfer.id), ConsistentRead: true }))).Item!;
    const body = JSON.parse(item.body!.S!) as TreasuryTransfer;
    await clients().dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { ...item, body: { S: JSON.stringify({ ...body, safeTx: forged, to: { ...body.to, address: attacker } }) } } }));

    await approve(owners[0]!, approvalId);
    await approve(owners[1]!, approvalId);
    await expect(drive(transfer.id)).rejects.toMatchObject({ code: 'treasury_safe_tx_mismatch' });
    expect((await readTransfer(workerDeps(), transfer.id)).signatures).toEqual({});
    expect(await usdcBalance('local-a', attacker)).toBe(0n);
  }, 120_000);

  it('cannot approve a transfer by rewriting its request: an approval item set to approved, listing a second owner who never decided, signs for nobody but the owner who did, and nothing moves', async () => {
    const { transfer, approvalId } = await propose(2_000_000n);
    const nonce = await safeNonce();
    await approve(owners[0]!, approvalId);
    const key = { pk: { S: `APPROVAL#${approvalId}` }, sk: { S: 'APPROVAL' } };
    const item = (await clients().dynamodb.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item!;
    const object = JSON.parse(item.object!.S!) as { approvals: { member: string; at: string }[] };
    const forged = { ...object, status: 'approved', approvals: [...object.approvals, { member: owners[1]!.id, at: new Date().toISOString() }], approvals_required: 1 };
    await clients().dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { ...item, status: { S: 'approved' }, object: { S: JSON.stringify(forged) } } }));

    expect(await drive(transfer.id)).toBe('awaiting_approval');
    expect(Object.keys((await readTransfer(workerDeps(), transfer.id)).signatures)).toEqual(['1']);
    expect(await safeNonce()).toBe(nonce);
    expect(await usdcBalance('local-a', recipient)).toBe(0n);
  }, 120_000);

  it('cannot have a rejected transfer executed: one owner\'s rejection fails it, its signatures moving nothing, and the Safe is free for the next proposal', async () => {
    const { transfer, approvalId } = await propose(3_000_000n);
    await expect(propose(4_000_000n)).rejects.toMatchObject({ code: 'treasury_proposal_open' });
    await approve(owners[0]!, approvalId);
    expect(await drive(transfer.id)).toBe('awaiting_approval');
    await approve(owners[1]!, approvalId, 'reject');
    const nonce = await safeNonce();
    expect(await drive(transfer.id)).toBe('failed');
    expect(await readTransfer(workerDeps(), transfer.id)).toMatchObject({ status: 'failed', failure: `approval ${approvalId} rejected` });
    expect(await safeNonce()).toBe(nonce);
    await expect(propose(4_000_000n)).resolves.toMatchObject({ transfer: { status: 'proposed' } });
  }, 120_000);

  it('cannot execute with a signature it copied: owner 1\'s signature written in as owner 2\'s while the request waits executes nothing', async () => {
    const { transfer, approvalId } = await propose(5_000_000n);
    await approve(owners[0]!, approvalId);
    expect(await drive(transfer.id)).toBe('awaiting_approval');
    const first = (await clients().dynamodb.send(new GetItemCommand({ TableName: tableName, Key: transferKey(transfer.id), ConsistentRead: true }))).Item!.signatures!.M!['1']!;
    await clients().dynamodb.send(new UpdateItemCommand({ TableName: tableName, Key: transferKey(transfer.id), UpdateExpression: 'SET signatures.#two = :copy', ExpressionAttributeNames: { '#two': '2' }, ExpressionAttributeValues: { ':copy': first } }));
    const nonce = await safeNonce();
    expect(await drive(transfer.id)).toBe('awaiting_approval');
    expect(await safeNonce()).toBe(nonce);
    expect(await usdcBalance('local-a', recipient)).toBe(0n);
  }, 120_000);
});
