import { paginateQuery, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { FeeBid } from '#chains';
import { jsonAttribute, readItem } from '#platform';

/**
 * waiting_*: no nonce taken yet; chain-check retries the submission (waiting_wallet: the chain's
 * hot wallet is being rotated). pending: signed, nonce owned. stuck: the nonce was mined by a
 * transaction Lanepay did not record; nothing is broadcast any more and an operator decides.
 * stuck is not final: the payment stays `processing` and the payout stays in the in-flight index.
 */
export const payoutStatuses = ['waiting_liquidity', 'waiting_chain', 'waiting_wallet', 'pending', 'stuck', 'succeeded', 'failed'] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];

export type WaitingStatus = Extract<PayoutStatus, `waiting_${string}`>;
export const waitingStatuses: readonly WaitingStatus[] = ['waiting_liquidity', 'waiting_chain', 'waiting_wallet'];
export const isWaiting = (status: PayoutStatus): status is WaitingStatus => (waitingStatuses as readonly string[]).includes(status);

/** What a pending payout holds of its wallet's balance (the WALLET item's in-flight sums), in chain units. */
export interface PayoutReservation {
  asset: string;
  amount: string;
  gasWei: string;
}

export interface PayoutAttempt {
  kind: 'payout' | 'fill';
  hash: string;
  raw: string;
  fees: { maxFeePerGas?: string; maxPriorityFeePerGas?: string; gasPrice?: string };
  atMs: number;
}

/** A payment's journey on chain: the nonce it owns and every signed transaction for that nonce. */
export interface Payout {
  paymentId: string;
  merchantId: string;
  chain: string;
  /** The address that owns the nonce; with keyId, set once the nonce is taken and never changed. */
  wallet: string;
  /** The KMS key of `wallet`: every transaction for this nonce (replacement, fill) is signed with it. */
  keyId?: string;
  status: PayoutStatus;
  nonce?: number;
  reserved?: PayoutReservation;
  /** Why a payout is stuck, for the operator. */
  stuckReason?: string;
  attempts: PayoutAttempt[];
  version: number;
  createdAtMs: number;
}

export const payoutKey = (paymentId: string) => ({ pk: { S: `PAYOUT#${paymentId}` }, sk: { S: 'PAYOUT' } });
export const walletKey = (chain: string, wallet: string) => ({ pk: { S: `WALLET#${chain}#${wallet.toLowerCase()}` }, sk: { S: 'WALLET' } });
/** The next nonce a WALLET item hands out (payouts and sweeps share it). */
export const nextNonceOf = (walletItem: Record<string, AttributeValue>): number => readItem(z.object({ nextNonce: z.number() }), walletItem).nextNonce;
/** WALLET item attribute summing the asset amounts (chain units) of the wallet's payouts in flight. */
export const inFlightAttribute = (asset: string) => `inFlight#${asset}`;
export const inFlightGasAttribute = 'inFlightGasWei';
export const nonceKey = (chain: string, wallet: string, nonce: number) => ({
  pk: { S: `NONCE#${chain}#${wallet.toLowerCase()}` },
  sk: { S: String(nonce).padStart(12, '0') },
});

/**
 * The chain-submit FIFO message group of a chain's hot wallet: its payouts and sweeps are handed
 * out one batch at a time, in order, so they take the wallet's nonces one batch after another. A
 * chain has one hot wallet taking nonces at a time (a rotation lets the old one take none while it
 * drains), so the group is named by the chain; the group is what nonces are serialized on, the
 * batch is what goes out in one transaction (lib/money/payouts/allocate.ts).
 */
export const hotWalletGroup = (chain: string) => `hot-wallet:${chain}`;

/** gsi1 partition listing a chain's payouts not yet final (a sparse index: final payouts drop out). */
export const inFlightPartition = (chain: string) => `INFLIGHT#${chain}`;

export function payoutItem(payout: Payout): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...payoutKey(payout.paymentId),
    entity: { S: 'payout' },
    paymentId: { S: payout.paymentId },
    merchantId: { S: payout.merchantId },
    chain: { S: payout.chain },
    wallet: { S: payout.wallet },
    status: { S: payout.status },
    attempts: { S: JSON.stringify(payout.attempts) },
    version: { N: String(payout.version) },
    createdAtMs: { N: String(payout.createdAtMs) },
  };
  if (payout.nonce !== undefined) item.nonce = { N: String(payout.nonce) };
  if (payout.keyId !== undefined) item.keyId = { S: payout.keyId };
  if (payout.reserved !== undefined) item.reserved = { S: JSON.stringify(payout.reserved) };
  if (payout.stuckReason !== undefined) item.stuckReason = { S: payout.stuckReason };
  // In flight payouts are listed per chain (lanepay chain status); final ones drop out of the index.
  if (payout.status !== 'succeeded' && payout.status !== 'failed') {
    item.gsi1pk = { S: inFlightPartition(payout.chain) };
    item.gsi1sk = { S: `${String(payout.nonce ?? 0).padStart(12, '0')}#${payout.paymentId}` };
  }
  return item;
}

const storedPayoutSchema = z.object({
  paymentId: z.string(),
  merchantId: z.string(),
  chain: z.string(),
  wallet: z.string(),
  status: z.enum(payoutStatuses),
  nonce: z.number().optional(),
  keyId: z.string().optional(),
  reserved: z.optional(jsonAttribute(z.custom<PayoutReservation>())),
  stuckReason: z.string().optional(),
  attempts: jsonAttribute(z.custom<PayoutAttempt[]>()),
  version: z.number(),
  createdAtMs: z.number(),
});

export function payoutFromItem(item: Record<string, AttributeValue>): Payout {
  return readItem(storedPayoutSchema, item);
}

export function feesToItem(fees: FeeBid): PayoutAttempt['fees'] {
  return {
    ...(fees.maxFeePerGas !== undefined ? { maxFeePerGas: fees.maxFeePerGas.toString() } : {}),
    ...(fees.maxPriorityFeePerGas !== undefined ? { maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString() } : {}),
    ...(fees.gasPrice !== undefined ? { gasPrice: fees.gasPrice.toString() } : {}),
  };
}

export function feesFromItem(fees: PayoutAttempt['fees']): FeeBid {
  return {
    ...(fees.maxFeePerGas !== undefined ? { maxFeePerGas: BigInt(fees.maxFeePerGas) } : {}),
    ...(fees.maxPriorityFeePerGas !== undefined ? { maxPriorityFeePerGas: BigInt(fees.maxPriorityFeePerGas) } : {}),
    ...(fees.gasPrice !== undefined ? { gasPrice: BigInt(fees.gasPrice) } : {}),
  };
}

/**
 * The payouts not yet final on a chain, from the sparse gsi1 partition INFLIGHT#<chain>, with
 * the attributes asked for; every page, through the SDK's paginator.
 */
export async function* inFlightPayoutItems(deps: { dynamodb: DynamoDBClient; tableName: string }, chain: string, projection: string, names?: Record<string, string>) {
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: inFlightPartition(chain) } },
    ProjectionExpression: projection,
    ...(names ? { ExpressionAttributeNames: names } : {}),
  });
  for await (const page of pages) yield* page.Items ?? [];
}
