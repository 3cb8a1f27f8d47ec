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

export const transferRoutes = ['safe', 'cctp'] as const;
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

export const treasuryTransferSchema = z.object({
  id: z.string().regex(/^[a-z]+_[0-9a-z]{8,64}$/),
  status: z.enum(transferStatuses),
  route: z.enum(transferRoutes),
  asset: z.string(),
  amount: minorUnits,
  from: z.object({ chain: z.string(), account: z.literal('treasury') }),
  to: z.object({ chain: z.string(), account: z.enum(['hot_wallet', 'treasury']), address }),
  /** Why it was proposed (the forecast that asked for it), shown to the members who sign. */
  reason: z.record(z.string(), z.string()),
  /** The approval request asking the owners for it (written in the proposal's transaction). */
  approvalId: z.string().optional(),
  /** Signatures the Safe needs (its threshold when proposed). */
  threshold: z.number().int().gte(1),
  safeTx: storedSafeTxSchema,
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
  burn: jsonAttribute(z.object({ message: hex, messageHash: z.string() })).optional(),
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
    ...(stored.burn ? { burn: stored.burn } : {}),
    ...(stored.burnedAt ? { burnedAt: stored.burnedAt } : {}),
    ...(stored.mintTxHash ? { mintTxHash: stored.mintTxHash } : {}),
    ...(stored.mintRawTx ? { mintRawTx: stored.mintRawTx } : {}),
    ...(stored.failure ? { failure: stored.failure } : {}),
    ...(stored.overdueAt ? { overdueAt: stored.overdueAt } : {}),
    ...(stored.updatedAt ? { updatedAt: stored.updatedAt } : {}),
  };
}
