import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { jsonAttribute, readItem } from '#platform';

/**
 * A treasury transfer: money moved out of a chain's treasury Safe, to that chain's hot wallet
 * (`safe`: one execTransaction of a token transfer) or to another chain's (`cctp`: the Safe burns
 * with depositForBurn, the attestation is fetched, receiveMessage mints on the destination). It is
 * proposed, signed by M owners (one signature per approving member, each with its own owner key),
 * executed, and, across chains, burned then minted: each step one DynamoDB transaction conditioned on
 * the step before, with its platform event, its audit record and, where money moves, its postings
 * (steps.ts). The one module that spells `TTRANSFER#`.
 */
export const transferStatuses = ['proposed', 'executing', 'burned', 'minting', 'succeeded', 'failed'] as const;
export type TransferStatus = (typeof transferStatuses)[number];

/**
 * `safe`: the treasury Safe's token transfer on one chain; `cctp`: a burn and a mint across chains
 * (from the Safe or from a hot wallet); `transfer`: a hot wallet's token transfer to its own chain's
 * treasury Safe (a sweep above its ceiling).
 */
export const transferRoutes = ['safe', 'cctp', 'transfer'] as const;
export type TransferRoute = (typeof transferRoutes)[number];

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const minorUnits = z.string().regex(/^[1-9][0-9]*$/);

/** The Safe transaction the owners sign (lib/treasury/safe/safe-tx.ts), as stored: uint256s as decimal strings. */
export const storedSafeTxSchema = z.object({
  safe: address,
  chainId: z.number().int(),
  to: address,
  data: hex,
  /** 1 only for a batch through MultiSendCallOnly (safe-tx.ts batchedCalls). */
  operation: z.union([z.literal(0), z.literal(1)]),
  nonce: z.string().regex(/^[0-9]+$/),
  /** Its EIP-712 hash: what each owner signed. */
  hash: z.string().regex(/^0x[0-9a-f]{64}$/),
});
export type StoredSafeTx = z.infer<typeof storedSafeTxSchema>;

export const ownerSignatureSchema = z.object({
  owner: address,
  memberId: z.string(),
  signature: z.string().regex(/^0x[0-9a-f]{130}$/),
  signedAt: z.iso.datetime(),
});
export type OwnerSignature = z.infer<typeof ownerSignatureSchema>;

/**
 * A move out of a hot wallet, exactly as its key will sign it (lib/treasury/moves/move.ts): the
 * source wallet, the token, the amount in chain units, the recipient, and across chains the burn's
 * messenger, destination domain, mint recipient and destination caller. `hash` commits to all of it
 * (and to the transfer's id, asset, amount and route): the approval request holds it, so what the
 * members approve is what chain-submit signs.
 */
export const hotWalletMoveSchema = z.object({
  chainId: z.number().int(),
  wallet: address,
  token: address,
  /** Chain units of the token (the transfer's `amount` is in ledger minor units). */
  amount: z.string().regex(/^[1-9][0-9]*$/),
  /** Who receives the tokens: the chain's treasury Safe (`transfer`), or the destination hot wallet (`cctp`, the mint recipient). */
  recipient: address,
  cctp: z.object({ tokenMessenger: address, destinationDomain: z.number().int().gte(0), mintRecipient: address, destinationCaller: address }).optional(),
  hash: z.string().regex(/^0x[0-9a-f]{64}$/),
});
export type HotWalletMove = z.infer<typeof hotWalletMoveSchema>;

/**
 * What chain-submit recorded when it signed a hot wallet's move, in the transaction that took the
 * nonces: the key, the first nonce, each signed transaction in nonce order (across chains the exact
 * approve, then the burn), and what the move holds of the wallet's balance (the WALLET item's
 * in-flight sums, chain units) until it is final.
 */
export const moveSubmissionSchema = z.object({
  wallet: address,
  keyId: z.string(),
  firstNonce: z.number().int().gte(0),
  txs: z.array(z.object({ hash: z.string(), raw: hex })).min(1),
  reserved: z.object({ asset: z.string(), amount: z.string(), gasWei: z.string() }),
  signedAt: z.iso.datetime(),
});
export type MoveSubmission = z.infer<typeof moveSubmissionSchema>;

export const treasuryTransferSchema = z.object({
  id: z.string().regex(/^[a-z]+_[0-9a-z]{8,64}$/),
  status: z.enum(transferStatuses),
  route: z.enum(transferRoutes),
  asset: z.string(),
  amount: minorUnits,
  /** A treasury Safe, or a hot wallet (`address`: the wallet the move's key signs for). */
  from: z.object({ chain: z.string(), account: z.enum(['treasury', 'hot_wallet']), address: address.optional() }),
  to: z.object({ chain: z.string(), account: z.enum(['hot_wallet', 'treasury']), address }),
  /** Why it was proposed (the forecast that asked for it), shown to the members who sign. */
  reason: z.record(z.string(), z.string()),
  /** The approval request asking the owners for it (written in the proposal's transaction). */
  approvalId: z.string().optional(),
  /** Signatures the Safe needs (its threshold when proposed). */
  threshold: z.number().int().gte(1),
  /** Out of a treasury: the SafeTx its owners sign. */
  safeTx: storedSafeTxSchema.optional(),
  /** Out of a hot wallet: the move its key signs once the owners' votes approve it (no SafeTx, no owner signature). */
  move: hotWalletMoveSchema.optional(),
  /** Out of a hot wallet: what chain-submit signed, recorded before anything was broadcast. */
  moveSubmission: moveSubmissionSchema.optional(),
  /** By owner index (1..N): one signature each, never replaced. */
  signatures: z.record(z.string(), ownerSignatureSchema),
  /** The transaction that runs execTransaction on the source chain, signed and recorded before it is sent (so a restart sends the same one again, never another). */
  execTxHash: z.string().optional(),
  execRawTx: hex.optional(),
  /** Across chains: the burn's CCTP message as the chain emitted it, and its hash (what the attestation is found by). */
  burn: z.object({ message: hex, messageHash: z.string() }).optional(),
  /** The receiveMessage transaction on the destination, recorded before it is sent, as the execution is. */
  mintTxHash: z.string().optional(),
  mintRawTx: hex.optional(),
  /** When the burn was recorded: the attestation deadline runs from here. */
  burnedAt: z.iso.datetime().optional(),
  failure: z.string().optional(),
  /** When the attestation was reported overdue (once: the alarm and the event). */
  overdueAt: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TreasuryTransfer = z.infer<typeof treasuryTransferSchema>;

export function transferKey(id: string): Record<string, AttributeValue> {
  return { pk: { S: `TTRANSFER#${id}` }, sk: { S: 'TRANSFER' } };
}

/** The gsi1 partition listing treasury transfers (newest first by id), for `lanepay treasury status`. */
export const transfersPartition = 'TREASURY#TRANSFERS';

/**
 * The gsi2 partition of transfers not yet succeeded or failed, by last update: what the treasury
 * function's schedule drives on (a terminal step removes the transfer from it).
 */
export const openTransfersPartition = 'TREASURY#OPEN';

export const terminalStatuses: readonly TransferStatus[] = ['succeeded', 'failed'];

/**
 * One proposal at a time per Safe: its transaction takes the Safe's next nonce, so a second one
 * proposed meanwhile could never execute. Held from the proposal until the Safe's nonce has moved
 * (executed on one chain, burned across) or the transfer failed without executing.
 */
export function openProposalKey(safeTx: Pick<StoredSafeTx, 'chainId' | 'safe'>): Record<string, AttributeValue> {
  return { pk: { S: `TREASURYOPEN#${safeTx.chainId}#${safeTx.safe.toLowerCase()}` }, sk: { S: 'OPEN' } };
}

/**
 * One move at a time out of a hot wallet: the planner sized it on the wallet's surplus, and a second
 * one proposed meanwhile would be sized on the same surplus and take the wallet below its floor.
 * Held from the proposal until the money has left the wallet (the transfer's transaction final at
 * depth) or the transfer failed.
 */
export function openMoveKey(move: Pick<HotWalletMove, 'chainId' | 'wallet'>): Record<string, AttributeValue> {
  return { pk: { S: `TREASURYOPEN#${move.chainId}#hw#${move.wallet.toLowerCase()}` }, sk: { S: 'OPEN' } };
}

/**
 * Written once, in the transaction where chain-submit signs a hot wallet's move, keyed by the move's
 * hash: a transfer item set back to `executing` with its record of the signing removed (by whoever
 * could write it) finds the move signed already and is refused, never signed at another nonce.
 */
export function moveSignedKey(moveHash: string): Record<string, AttributeValue> {
  return { pk: { S: `TREASURYMOVE#${moveHash}` }, sk: { S: 'SIGNED' } };
}

/** The open-proposal guard a transfer holds: its Safe's, or its hot wallet's. */
export function openKeyOf(transfer: Pick<TreasuryTransfer, 'id' | 'safeTx' | 'move'>): Record<string, AttributeValue> {
  if (transfer.safeTx) return openProposalKey(transfer.safeTx);
  if (transfer.move) return openMoveKey(transfer.move);
  throw new Error(`${transfer.id} has neither a SafeTx nor a hot wallet move`);
}

/**
 * The item: the record as JSON in `body` for reading whole, and the attributes its steps condition
 * on (`status`, and `signatures` as a map so a signature is added without rewriting the others).
 */
export function transferItem(transfer: TreasuryTransfer): Record<string, AttributeValue> {
  return {
    ...transferKey(transfer.id),
    entity: { S: 'treasury-transfer' },
    status: { S: transfer.status },
    body: { S: JSON.stringify({ ...transfer, signatures: {} }) },
    signatures: { M: Object.fromEntries(Object.entries(transfer.signatures).map(([index, signature]) => [index, { S: JSON.stringify(signature) }])) },
    gsi1pk: { S: transfersPartition },
    gsi1sk: { S: transfer.id },
    ...(terminalStatuses.includes(transfer.status) ? {} : { gsi2pk: { S: openTransfersPartition }, gsi2sk: { S: `${transfer.updatedAt}#${transfer.id}` } }),
  };
}

const storedSchema = z.object({
  body: jsonAttribute(treasuryTransferSchema),
  status: z.enum(transferStatuses),
  signatures: z.record(z.string(), jsonAttribute(ownerSignatureSchema)).default({}),
  execTxHash: z.string().optional(),
  execRawTx: hex.optional(),
  moveSubmission: z.optional(jsonAttribute(moveSubmissionSchema)),
  burn: z.optional(jsonAttribute(z.object({ message: hex, messageHash: z.string() }))),
  burnedAt: z.string().optional(),
  mintTxHash: z.string().optional(),
  mintRawTx: hex.optional(),
  failure: z.string().optional(),
  overdueAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

/** The record as stored: its body, with each step's attributes (written by later updates) over it. */
export function transferFromItem(item: Record<string, AttributeValue>): TreasuryTransfer {
  const stored = readItem(storedSchema, item);
  return {
    ...stored.body,
    status: stored.status,
    signatures: stored.signatures,
    ...(stored.execTxHash ? { execTxHash: stored.execTxHash } : {}),
    ...(stored.execRawTx ? { execRawTx: stored.execRawTx } : {}),
    ...(stored.moveSubmission ? { moveSubmission: stored.moveSubmission } : {}),
    ...(stored.burn ? { burn: stored.burn } : {}),
    ...(stored.burnedAt ? { burnedAt: stored.burnedAt } : {}),
    ...(stored.mintTxHash ? { mintTxHash: stored.mintTxHash } : {}),
    ...(stored.mintRawTx ? { mintRawTx: stored.mintRawTx } : {}),
    ...(stored.failure ? { failure: stored.failure } : {}),
    ...(stored.overdueAt ? { overdueAt: stored.overdueAt } : {}),
    ...(stored.updatedAt ? { updatedAt: stored.updatedAt } : {}),
  };
}
