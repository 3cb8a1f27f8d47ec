import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { merchantListPartition, type MerchantProfile } from '#merchants';
import { bigintAttribute, jsonAttribute, readItem } from '#platform';
import { platformAccount, type AccountId, type BalanceMemo } from '#ledger';
import { paymentSchema, type Payment } from './schemas.js';

const holdIndexShards = 8;

export function paymentKey(id: string) {
  return { pk: { S: `PAYMENT#${id}` }, sk: { S: 'PAYMENT' } };
}

/** The gsi1 partition that lists a merchant's payments, newest last. */
export function merchantPaymentsPartition(merchantId: string): string {
  return merchantListPartition(merchantId, 'PAYMENTS');
}

/** What the payment item carries besides the API object: the ledger and concurrency bookkeeping. */
export interface PaymentRecord {
  payment: Payment;
  merchantId: string;
  version: number;
  /** Pending transfer holding amount + maximum fee; absent for automatic capture and declines. */
  hold?: { transferId: string; amountMinor: bigint };
  /** What the risk checks decided and which rule fired, kept for audit (not shown to merchants). */
  risk?: RiskRecord;
  /** The merchant's fee terms when the payment was authorized: capture charges these, whatever the profile says later. */
  feeTerms?: FeeTerms;
  /** Set when the payment is the payout of a refund (lib/money/refunds): its changes move the refund too. */
  refund?: RefundLink;
}

/** What ties a payout to the refund it pays: the refund's id, its charge and the merchant's reason. */
export interface RefundLink {
  id: string;
  chargeId: string;
  reason: string | null;
  /**
   * A claim refund's claim (lib/money/refunds/claims.ts): the payout waits `authorized`, without a
   * destination, until the payer claims it at `url`, and expires at `expiresAt`.
   */
  claim?: { id: string; url: string; expiresAt: string };
}

/**
 * The platform account a payout's money waits in between the merchant's debit and the chain: a
 * refund's waits in `refunds`, so the ledger shows what is on its way back to payers.
 */
export function clearingAccountOf(record: Pick<PaymentRecord, 'refund' | 'payment'>): AccountId {
  return platformAccount(record.refund ? 'refunds' : 'clearing', record.payment.asset);
}

/**
 * What a payout's movements of the merchant's balance are listed as (its balance transactions): a
 * refund's as `refund` / `refund_failure` with the refund as their source, any other payout's as
 * `payment` / `payment_reversal` with the payment. Fees are `payout_fee` either way.
 */
export function balanceMemoOf(record: Pick<PaymentRecord, 'refund' | 'payment'>, step: 'debit' | 'fee' | 'reversal' | 'fee_reversal', extra: Partial<BalanceMemo> = {}): BalanceMemo {
  const refund = record.refund !== undefined;
  const type = ({
    debit: refund ? 'refund' : 'payment',
    fee: 'payout_fee',
    reversal: refund ? 'refund_failure' : 'payment_reversal',
    fee_reversal: 'payout_fee_reversal',
  } as const)[step];
  return { type, source: record.refund?.id ?? record.payment.id, chain: record.payment.chain, ...extra };
}

export type FeeTerms = MerchantProfile['fee'];

export interface RiskRecord {
  outcome: 'approve' | 'decline';
  /** The rule that declined: a risk-engine rule, `ledger_balance` or a velocity limit. */
  rule?: string;
  rulesChecked: string[];
}

export function paymentItem(record: PaymentRecord): Record<string, AttributeValue> {
  const { payment } = record;
  const item: Record<string, AttributeValue> = {
    ...paymentKey(payment.id),
    entity: { S: 'payment' },
    merchantId: { S: record.merchantId },
    status: { S: payment.status },
    version: { N: String(record.version) },
    object: { S: JSON.stringify(payment) },
    gsi1pk: { S: merchantPaymentsPartition(record.merchantId) },
    gsi1sk: { S: payment.id },
  };
  if (record.risk) item.risk = { S: JSON.stringify(record.risk) };
  if (record.feeTerms) item.feeTerms = { S: JSON.stringify(record.feeTerms) };
  if (record.refund) item.refund = { S: JSON.stringify(record.refund) };
  if (record.hold) {
    item.holdTransferId = { S: record.hold.transferId };
    item.holdAmount = { N: record.hold.amountMinor.toString() };
  }
  if (payment.status === 'authorized' && payment.expires_at) {
    item.gsi2pk = { S: holdIndexPartition(payment.id) };
    item.gsi2sk = { S: `${payment.expires_at}#${payment.id}` };
  }
  if (payment.status === 'processing') {
    // The reconciler finds payments stuck in processing here, oldest first, without a scan.
    item.gsi2pk = { S: processingIndexPartition(payment.id) };
    item.gsi2sk = { S: `${payment.created_at}#${payment.id}` };
  }
  return item;
}

export function holdIndexPartitions(): string[] {
  return Array.from({ length: holdIndexShards }, (_, shard) => `HOLDS#${shard}`);
}

function holdIndexPartition(paymentId: string): string {
  return `HOLDS#${shardOf(paymentId)}`;
}

/** Sparse gsi2 partitions listing payments in `processing`, sorted by creation time (KEYS_ONLY). */
export function processingIndexPartitions(): string[] {
  return Array.from({ length: holdIndexShards }, (_, shard) => `PROCESSING#${shard}`);
}

function processingIndexPartition(paymentId: string): string {
  return `PROCESSING#${shardOf(paymentId)}`;
}

function shardOf(paymentId: string): number {
  let hash = 0;
  for (const char of paymentId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % holdIndexShards;
}

const storedPaymentSchema = z.object({
  object: jsonAttribute(paymentSchema),
  merchantId: z.string(),
  version: z.number(),
  risk: z.optional(jsonAttribute(z.custom<RiskRecord>())),
  feeTerms: z.optional(jsonAttribute(z.custom<FeeTerms>())),
  holdTransferId: z.string().optional(),
  holdAmount: z.optional(bigintAttribute),
  refund: z.optional(jsonAttribute(z.custom<RefundLink>())),
});

export function recordFromItem(item: Record<string, AttributeValue>): PaymentRecord {
  const stored = readItem(storedPaymentSchema, item);
  return {
    payment: stored.object,
    merchantId: stored.merchantId,
    version: stored.version,
    ...(stored.risk ? { risk: stored.risk } : {}),
    ...(stored.feeTerms ? { feeTerms: stored.feeTerms } : {}),
    ...(stored.refund ? { refund: stored.refund } : {}),
    ...(stored.holdTransferId ? { hold: { transferId: stored.holdTransferId, amountMinor: stored.holdAmount! } } : {}),
  };
}

/**
 * Replaces a payment item only if nobody changed it since it was read (version) and it is still in
 * the status the change starts from: the guard against double capture, capture-after-cancel, etc.
 */
export function replacePaymentItem(tableName: string, next: PaymentRecord, expected: { version: number; status: string }): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: paymentItem(next),
      ConditionExpression: 'version = :version AND #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':version': { N: String(expected.version) }, ':status': { S: expected.status } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

