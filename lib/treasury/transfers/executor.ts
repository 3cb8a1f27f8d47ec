import type { KMSClient } from '@aws-sdk/client-kms';
import { Contract, getAddress, Interface, Signature, Transaction, type Provider, type Signer } from 'ethers';
import { KmsSigner, type Chain } from '#chains';
import { toChainUnits } from '#ledger';
import { batchedCalls, execTransactionArgs, packSignatures, safeAbi, safeTxHash, tokenTransfer, type SafeTransaction } from '../safe/safe-tx.js';
import { burnCalls, lookupAttestation, messageNonce, messageTransmitterAbi, receiveMessageData, sentMessages } from './cctp.js';
import { SafeTxMismatchError } from './errors.js';
import type { OwnerSignature, StoredSafeTx, TreasuryTransfer } from './items.js';
import { addOwnerSignature, markExecuting, markMinting, readTransfer, recordBurn, recordFailure, recordMint, recordSameChainSuccess, type TransferStepDeps } from './steps.js';

/** What the executor needs of a chain: its treasury Safe and owners, its CCTP, and where money lands. */
export interface TreasuryChain {
  name: string;
  chainId: number;
  usdc: string;
  /** The USDC token's decimals on the chain (6 where absent): a hot wallet move signs chain units. */
  usdcDecimals?: number;
  /** Blocks a hot wallet's move waits before it is final (the chain's confirmations; 1 where absent). */
  confirmations?: number;
  hotWallet: string;
  safe: string;
  threshold: number;
  owners: { index: number; keyId: string; address: string }[];
  /** The relayer's address: the only caller a burn towards this chain lets relay its message. */
  relayer: string;
  /** Safe's MultiSendCallOnly on the chain: the approve and the burn in one Safe transaction. */
  multiSend?: string | undefined;
  cctp?: { domain: number; tokenMessenger: string; messageTransmitter: string; attestationApi: string };
}

/** A registry chain with a treasury, as the executor sees it, its hot wallet's address read beforehand (from KMS). */
export function treasuryChainOf(chain: Chain, hotWallet: string): TreasuryChain {
  const treasury = chain.treasury!;
  const usdc = chain.assets.find((asset) => asset.symbol === 'USDC');
  if (!usdc) throw new Error(`chain ${chain.name} has a treasury but no USDC`);
  return {
    name: chain.name, chainId: chain.chainId, usdc: usdc.address, usdcDecimals: usdc.decimals, confirmations: chain.confirmations, hotWallet, safe: treasury.safe, threshold: treasury.threshold, multiSend: treasury.multiSend, relayer: treasury.relayerAddress,
    owners: treasury.owners.map((owner, position) => ({ index: position + 1, keyId: owner.keyId, address: owner.address })),
    ...(chain.cctp ? { cctp: chain.cctp } : {}),
  };
}

export interface TransferExecutorDeps extends TransferStepDeps {
  kms: KMSClient;
  chain(name: string): TreasuryChain;
  provider(chain: string): Provider;
  /**
   * The account that sends the Safe's executions and the mints on a chain: it pays gas and holds no
   * treasury funds (a Safe transaction moves nothing without the owners' signatures).
   */
  sender(chain: string): Signer;
  fetch: typeof fetch;
  /** How long a burn may wait for its attestation before the transfer is reported overdue. */
  attestationDeadlineMs: number;
}

/** The Safe transaction a transfer asks the owners to sign: a token transfer on one chain, or an approve and a burn across chains. */
export async function transferTransaction(deps: Pick<TransferExecutorDeps, 'chain'>, input: { from: string; to: string; amountMinor: bigint; safeNonce: bigint }): Promise<StoredSafeTx> {
  const source = deps.chain(input.from);
  const destination = deps.chain(input.to);
  // The Safe moves the token's own units; the ledger's minor units differ where USDC has other than 6 decimals.
  const amount = toChainUnits(input.amountMinor, 'USDC', source.usdcDecimals ?? 6);
  let tx: SafeTransaction;
  if (input.from === input.to) {
    tx = tokenTransfer(source.usdc, destination.hotWallet, amount, input.safeNonce);
  } else {
    if (!source.cctp || !destination.cctp) throw new Error(`CCTP is not configured on ${source.cctp ? destination.name : source.name}`);
    if (!source.multiSend) throw new Error(`${source.name}'s treasury names no MultiSendCallOnly: it cannot burn`);
    tx = batchedCalls(source.multiSend, burnCalls({
      usdc: source.usdc, tokenMessenger: source.cctp.tokenMessenger, amountMinor: amount,
      destinationDomain: destination.cctp.domain, mintRecipient: destination.hotWallet, destinationCaller: destination.relayer,
    }), input.safeNonce);
  }
  return { safe: getAddress(source.safe), chainId: source.chainId, to: tx.to, data: tx.data, operation: tx.operation, nonce: tx.nonce.toString(), hash: safeTxHash(source.chainId, source.safe, tx) };
}

function safeTransaction(stored: StoredSafeTx): SafeTransaction {
  const zero = '0x0000000000000000000000000000000000000000';
  return { to: stored.to, value: 0n, data: stored.data, operation: stored.operation, safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: zero, refundReceiver: zero, nonce: BigInt(stored.nonce) };
}

/**
 * Owner `index` signs the transfer's SafeTx hash with its own KMS key, for the member bound to it;
 * the signature is recorded only if that owner has not signed and the transfer is still proposed,
 * and only for the SafeTx the member's approval named (its change hash binds it).
 * The hash is computed again from the stored transaction first: a stored hash that does not match
 * what would be executed is never signed.
 */
export async function signAsOwner(deps: TransferExecutorDeps, transferId: string, index: number, memberId: string, approvedSafeTxHash: string): Promise<TreasuryTransfer> {
  const transfer = await readTransfer(deps, transferId);
  if (!transfer.safeTx) throw new Error(`${transfer.id} moves out of a hot wallet: no owner signs it`);
  if (transfer.safeTx.hash !== approvedSafeTxHash) throw new SafeTxMismatchError(transferId, approvedSafeTxHash, transfer.safeTx.hash);
  const chain = deps.chain(transfer.from.chain);
  const owner = chain.owners.find((candidate) => candidate.index === index);
  if (!owner) throw new Error(`${chain.name}'s treasury has no owner ${index}`);
  const hash = safeTxHash(chain.chainId, chain.safe, safeTransaction(transfer.safeTx));
  if (hash !== transfer.safeTx.hash) throw new Error(`${transfer.id}'s stored SafeTx hash is not its transaction's: refusing to sign`);
  const signer = new KmsSigner(deps.kms, owner.keyId);
  if (getAddress(await signer.getAddress()) !== getAddress(owner.address)) throw new Error(`owner ${index}'s key is not the Safe owner ${owner.address}`);
  const signature: OwnerSignature = { owner: getAddress(owner.address), memberId, signature: (await signer.signDigest(hash)).serialized, signedAt: deps.now().toISOString() };
  return addOwnerSignature(deps, transferId, index, signature);
}

export type AdvanceOutcome = 'awaiting_signatures' | 'executing' | 'awaiting_attestation' | 'attestation_overdue' | 'minting' | 'succeeded' | 'failed';

/**
 * Takes the transfer one step further from where its record says it is, and says where it stands.
 * Safe to call again at any time and from any worker: every step is recorded before its transaction
 * is sent (the signed transaction itself), so a restart sends the same transaction again, never a
 * second one, and a burn recorded is resumed from its message, never burned again.
 */
export async function advanceTransfer(deps: TransferExecutorDeps, transferId: string): Promise<AdvanceOutcome> {
  const transfer = await readTransfer(deps, transferId);
  switch (transfer.status) {
    case 'proposed':
      return execute(deps, transfer);
    case 'executing':
      return settleExecution(deps, transfer);
    case 'burned':
      return mint(deps, transfer);
    case 'minting':
      return settleMint(deps, transfer);
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
  }
}

async function execute(deps: TransferExecutorDeps, transfer: TreasuryTransfer): Promise<AdvanceOutcome> {
  // Out of a hot wallet nothing executes here: chain-submit signs and sends it (lib/treasury/moves).
  if (!transfer.safeTx) return 'awaiting_signatures';
  const signatures = Object.values(transfer.signatures);
  if (signatures.length < transfer.threshold) return 'awaiting_signatures';
  const packed = packSignatures(signatures.map((s) => ({ owner: s.owner, signature: Signature.from(s.signature) })));
  const safe = new Interface(safeAbi);
  const data = safe.encodeFunctionData('execTransaction', execTransactionArgs(safeTransaction(transfer.safeTx), packed));
  const raw = await signedTransaction(deps, transfer.from.chain, transfer.safeTx.safe, data);
  await markExecuting(deps, transfer, raw.hash, raw.serialized);
  await broadcast(deps.provider(transfer.from.chain), raw.serialized);
  return 'executing';
}

async function settleExecution(deps: TransferExecutorDeps, transfer: TreasuryTransfer): Promise<AdvanceOutcome> {
  // Out of a hot wallet, approved and not yet signed: chain-submit's (the treasury function asks it, proposals/drive.ts).
  if (!transfer.execTxHash) return 'executing';
  const provider = deps.provider(transfer.from.chain);
  const receipt = await provider.getTransactionReceipt(transfer.execTxHash);
  if (!receipt) {
    // The same signed bytes again, in nonce order (a hot wallet's burn after its approve): never new ones.
    for (const raw of transfer.moveSubmission?.txs.map((tx) => tx.raw) ?? [transfer.execRawTx!]) await broadcast(provider, raw);
    return 'executing';
  }
  if (transfer.moveSubmission) {
    // What the move reserved of the hot wallet is released when it is final at the depth payouts read balances at.
    const confirmations = (await provider.getBlockNumber()) - receipt.blockNumber + 1;
    if (confirmations < Math.max(deps.chain(transfer.from.chain).confirmations ?? 1, 1)) return 'executing';
  }
  if (receipt.status !== 1) {
    await recordFailure(deps, transfer, 'executing', `${transfer.moveSubmission ? 'hot wallet transaction' : 'execTransaction'} ${receipt.hash} reverted`);
    return 'failed';
  }
  if (transfer.route !== 'cctp') {
    await recordSameChainSuccess(deps, transfer);
    return 'succeeded';
  }
  const [message] = sentMessages(receipt, deps.chain(transfer.from.chain).cctp!.messageTransmitter);
  if (!message) throw new Error(`${transfer.id}: execution ${receipt.hash} mined without a CCTP message`);
  await recordBurn(deps, transfer, message);
  return mint(deps, await readTransfer(deps, transfer.id));
}

async function mint(deps: TransferExecutorDeps, transfer: TreasuryTransfer): Promise<AdvanceOutcome> {
  const source = deps.chain(transfer.from.chain);
  const destination = deps.chain(transfer.to.chain);
  const attestation = await lookupAttestation(deps.fetch, source.cctp!.attestationApi, source.cctp!.domain, transfer.execTxHash!);
  if (attestation.status === 'pending') {
    const waitedMs = deps.now().getTime() - Date.parse(transfer.burnedAt ?? transfer.updatedAt);
    return waitedMs > deps.attestationDeadlineMs ? 'attestation_overdue' : 'awaiting_attestation';
  }
  const raw = await signedTransaction(deps, destination.name, destination.cctp!.messageTransmitter, receiveMessageData(attestation.message, attestation.attestation));
  await markMinting(deps, transfer, raw.hash, raw.serialized);
  await broadcast(deps.provider(destination.name), raw.serialized);
  return 'minting';
}

async function settleMint(deps: TransferExecutorDeps, transfer: TreasuryTransfer): Promise<AdvanceOutcome> {
  const destination = deps.chain(transfer.to.chain);
  const provider = deps.provider(destination.name);
  const receipt = await provider.getTransactionReceipt(transfer.mintTxHash!);
  if (!receipt) {
    await broadcast(provider, transfer.mintRawTx!);
    return 'minting';
  }
  if (receipt.status !== 1) {
    // Only our relayer may relay the message (the burn names it the destination caller), so a used
    // nonce is our own mint; anything else is a fault an operator must see, and the burn stays in transit.
    const message = Transaction.from(transfer.mintRawTx!).data;
    const used = await new Contract(destination.cctp!.messageTransmitter, messageTransmitterAbi, provider).getFunction('usedNonces')(messageNonce(decodedMessage(message)));
    throw new Error(`${transfer.id}: receiveMessage ${receipt.hash} reverted (nonce used: ${used !== 0n})`);
  }
  await recordMint(deps, transfer);
  return 'succeeded';
}

function decodedMessage(receiveData: string): string {
  return new Interface(messageTransmitterAbi).decodeFunctionData('receiveMessage', receiveData)[0] as string;
}

/** Signs (not sends) a call from the chain's sender: its hash is known, and recorded, before anything is broadcast. */
async function signedTransaction(deps: TransferExecutorDeps, chain: string, to: string, data: string): Promise<{ hash: string; serialized: string }> {
  const sender = deps.sender(chain);
  const populated = await sender.populateTransaction({ to, data });
  const serialized = await sender.signTransaction(populated);
  return { hash: Transaction.from(serialized).hash!, serialized };
}

/** Sends a signed transaction; one the node already has (a restart sending it again) is not an error. */
async function broadcast(provider: Provider, serialized: string): Promise<void> {
  try {
    await provider.broadcastTransaction(serialized);
  } catch (error) {
    const text = String((error as Error).message ?? error);
    if (/already known|nonce too low|known transaction|already imported/i.test(text)) return;
    throw error;
  }
}
