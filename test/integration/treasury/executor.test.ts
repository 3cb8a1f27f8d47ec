import { Contract, JsonRpcSigner, Signature, Wallet } from 'ethers';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KmsSigner } from '#chains';
import { execTransactionArgs, packSignatures, safeAbi } from '#lib/treasury/safe/safe-tx.js';
import { lookupAttestation, messageTransmitterAbi } from '#lib/treasury/transfers/cctp.js';
import { advanceTransfer, signAsOwner, transferTransaction, type AdvanceOutcome, type TransferExecutorDeps, type TreasuryChain } from '#lib/treasury/transfers/executor.js';
import { proposeTransfer, readTransfer } from '#lib/treasury/transfers/steps.js';
import type { TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { DEPLOYER_ADDRESS, fundAddress, localProvider } from '../../../scripts/stack/chains.js';
import { createSafe, deploySafeInfrastructure } from '../../../scripts/stack/safe.js';
import { chainByName, provider, usdcBalance } from '../../support/chain.js';
import { clients, fundedMerchant } from '../../support/deps.js';
import { newHotWalletKey } from '../../support/isolated.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

// The executor on a treasury of its own on local-a (a Safe of the stack's three owner keys, so no
// other test's proposal takes its nonce), CCTP V2 and its attestation service. Money lands at
// addresses of the test's own, so no hot wallet moves.
let platformMerchantId: string;
let ownSafe: { safe: string; multiSend: string };
let senderKeys: Record<string, string>;
const senderAddresses: Record<string, string> = {};
const recipients = { 'local-a': Wallet.createRandom().address, 'local-b': Wallet.createRandom().address };

function treasuryChain(name: 'local-a' | 'local-b'): TreasuryChain {
  const chain = chainByName(name);
  return {
    name, chainId: chain.chainId, usdc: chain.usdcAddress, hotWallet: recipients[name], relayer: senderAddresses[name]!,
    safe: name === 'local-a' ? ownSafe.safe : chain.treasury.safe, multiSend: name === 'local-a' ? ownSafe.multiSend : chain.treasury.multiSend, threshold: chain.treasury.threshold,
    owners: chain.treasury.owners.map((owner) => ({ index: owner.index, keyId: owner.keyAlias, address: owner.address })),
    cctp: { domain: chain.cctp.domain, tokenMessenger: chain.cctp.tokenMessenger, messageTransmitter: chain.cctp.messageTransmitter, attestationApi: chain.cctp.attestationUrl },
  };
}

/** A worker's deps: a new container each time (nothing of a dead worker's memory survives). */
function executorDeps(): TransferExecutorDeps {
  const { dynamodb, kms } = clients();
  return {
    dynamodb, kms, tableName: stack().tableName, platformMerchantId, now: () => new Date(),
    chain: (name) => treasuryChain(name as 'local-a' | 'local-b'),
    provider: (name) => provider(name),
    sender: (name) => new KmsSigner(kms, senderKeys[name]!, provider(name)),
    fetch, attestationDeadlineMs: 600_000,
  };
}

async function safeNonce(chain: 'local-a' | 'local-b'): Promise<bigint> {
  return (await new Contract(treasuryChain(chain).safe, safeAbi, provider(chain)).getFunction('nonce')()) as bigint;
}

async function proposal(from: 'local-a', to: 'local-a' | 'local-b', amountMinor: bigint): Promise<TreasuryTransfer> {
  const deps = executorDeps();
  const safeTx = await transferTransaction(deps, { from, to, amountMinor, safeNonce: await safeNonce(from) });
  const at = new Date().toISOString();
  const transfer: TreasuryTransfer = {
    id: `tt_${randomBytes(8).toString('hex')}`, status: 'proposed', route: from === to ? 'safe' : 'cctp', asset: 'USDC', amount: amountMinor.toString(),
    from: { chain: from, account: 'treasury' }, to: { chain: to, account: 'hot_wallet', address: recipients[to] },
    reason: { test: 'executor' }, threshold: treasuryChain(from).threshold, safeTx, signatures: {}, createdAt: at, updatedAt: at,
  };
  await proposeTransfer(deps, transfer);
  return transfer;
}

/** Advances with fresh deps until the transfer reaches `until`, as the treasury function's retries would. */
async function advanceUntil(transferId: string, until: AdvanceOutcome): Promise<void> {
  await waitFor(`transfer ${transferId} ${until}`, async () => ((await advanceTransfer(executorDeps(), transferId)) === until ? true : undefined), { timeoutMs: 90_000, intervalMs: 500 });
}

beforeAll(async () => {
  platformMerchantId = (await fundedMerchant(0n, (p) => ({ ...p, platform: true }))).merchant_id;
  const localA = chainByName('local-a');
  const infrastructure = await deploySafeInfrastructure(localA);
  const safe = await createSafe(localA, infrastructure, localA.treasury.owners.map((owner) => owner.address), localA.treasury.threshold, BigInt(`0x${randomBytes(8).toString('hex')}`));
  await fundAddress(localA, safe, { gasWei: 0n, usdcMinor: 100_000_000n });
  ownSafe = { safe, multiSend: infrastructure.multiSendCallOnly };
  senderKeys = {};
  for (const name of ['local-a', 'local-b'] as const) {
    senderKeys[name] = await newHotWalletKey();
    senderAddresses[name] = await new KmsSigner(clients().kms, senderKeys[name]!).getAddress();
    await fundAddress(chainByName(name), senderAddresses[name]!, { gasWei: 10n ** 19n, usdcMinor: 0n });
  }
}, 120_000);

describe('the treasury transfer executor on the local chains', () => {
  it('moves nothing on one signature, executes on the second, and pays the hot wallet from the Safe on the same chain once', async () => {
    const before = await usdcBalance('local-a', ownSafe.safe);
    const transfer = await proposal('local-a', 'local-a', 3_000_000n);
    await signAsOwner(executorDeps(), transfer.id, 1, 'mem_ana', transfer.safeTx!.hash);
    expect(await advanceTransfer(executorDeps(), transfer.id)).toBe('awaiting_signatures');
    await signAsOwner(executorDeps(), transfer.id, 3, 'mem_cy', transfer.safeTx!.hash);
    await advanceUntil(transfer.id, 'succeeded');
    expect(await usdcBalance('local-a', recipients['local-a'])).toBe(3_000_000n);
    expect(await usdcBalance('local-a', ownSafe.safe)).toBe(before - 3_000_000n);

    // The same signatures executed again (by anyone): the Safe refuses a used nonce (GS026).
    const done = await readTransfer(executorDeps(), transfer.id);
    const signatures = packSignatures(Object.values(done.signatures).map((s) => ({ owner: s.owner, signature: Signature.from(s.signature) })));
    const safe = new Contract(done.safeTx!.safe, safeAbi, new JsonRpcSigner(localProvider(chainByName('local-a').rpcUrl, 31337), DEPLOYER_ADDRESS));
    const zero = '0x0000000000000000000000000000000000000000';
    const args = execTransactionArgs({ to: done.safeTx!.to, value: 0n, data: done.safeTx!.data, operation: done.safeTx!.operation, safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: zero, refundReceiver: zero, nonce: BigInt(done.safeTx!.nonce) }, signatures);
    await expect(safe.getFunction('execTransaction').estimateGas(...args)).rejects.toThrow(/GS026/);
    expect(await advanceTransfer(executorDeps(), transfer.id)).toBe('succeeded');
    expect(await usdcBalance('local-a', recipients['local-a'])).toBe(3_000_000n);
  }, 120_000);

  it('burns on local-a and mints on local-b exactly once, though the worker dies right after the burn is recorded', async () => {
    const minted = await usdcBalance('local-b', recipients['local-b']);
    const transfer = await proposal('local-a', 'local-b', 7_000_000n);
    await signAsOwner(executorDeps(), transfer.id, 2, 'mem_ben', transfer.safeTx!.hash);
    await signAsOwner(executorDeps(), transfer.id, 1, 'mem_ana', transfer.safeTx!.hash);
    const nonceBefore = await safeNonce('local-a');
    expect(await advanceTransfer(executorDeps(), transfer.id)).toBe('executing');
    // A worker that dies right after recording the burn: its next call (the attestation lookup) never returns.
    const dying = { ...executorDeps(), fetch: (() => Promise.reject(new Error('worker killed'))) as typeof fetch };
    await waitFor('the burn recorded by the dying worker', async () => {
      const outcome = await advanceTransfer(dying, transfer.id).catch((error: Error) => error.message);
      return outcome === 'worker killed' ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const burned = await readTransfer(executorDeps(), transfer.id);
    expect(burned.status).toBe('burned');
    expect(burned.mintTxHash).toBeUndefined();
    // A stranger holding the attestation cannot relay the message: the burn named our relayer the only destination caller.
    const attested = await waitFor('the attestation', async () => {
      const found = await lookupAttestation(fetch, treasuryChain('local-a').cctp!.attestationApi, treasuryChain('local-a').cctp!.domain, burned.execTxHash!);
      return found.status === 'complete' ? found : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const stranger = new Contract(treasuryChain('local-b').cctp!.messageTransmitter, messageTransmitterAbi, new JsonRpcSigner(localProvider(chainByName('local-b').rpcUrl, chainByName('local-b').chainId), DEPLOYER_ADDRESS));
    await expect(stranger.getFunction('receiveMessage').estimateGas(attested.message, attested.attestation)).rejects.toThrow(/Invalid caller for message/);
    // The next workers go on from the recorded message.
    await advanceUntil(transfer.id, 'succeeded');
    const done = await readTransfer(executorDeps(), transfer.id);
    expect(done).toMatchObject({ status: 'succeeded', route: 'cctp' });
    expect(await usdcBalance('local-b', recipients['local-b'])).toBe(minted + 7_000_000n);
    // One burn: the Safe executed once.
    expect(await safeNonce('local-a')).toBe(nonceBefore + 1n);
    expect(await advanceTransfer(executorDeps(), transfer.id)).toBe('succeeded');
    expect(await usdcBalance('local-b', recipients['local-b'])).toBe(minted + 7_000_000n);
  }, 180_000);
});
