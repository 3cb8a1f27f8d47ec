import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { bigintAttribute, readItem } from '#platform';
import type { ClaimTerms } from './claim-message.js';

/**
 * A refund's claim: what its page shows and its message binds, and whether it was used. Written
 * with the refund; `open` until one valid claim turns it `claimed` under a condition, so it is used
 * once whatever races it. Expiry and cancellation are the payout's (it leaves `authorized`), not
 * the claim item's: the claim's transaction is conditioned on both.
 */
export interface ClaimRecord {
  id: string;
  merchantId: string;
  /** Shown on the page, so the payer knows who pays them back. */
  merchantName: string;
  refundId: string;
  chargeId: string;
  paymentId: string;
  amountMinor: bigint;
  asset: string;
  chain: string;
  chainId: number;
  expiresAt: string;
  status: 'open' | 'claimed';
  /** Once claimed: the address paid and when. */
  address?: string;
  claimedAt?: string;
}

export function claimKey(claimId: string) {
  return { pk: { S: `CLAIM#${claimId}` }, sk: { S: 'CLAIM' } };
}

export function claimTermsOf(claim: ClaimRecord): ClaimTerms {
  return { claimId: claim.id, refundId: claim.refundId, amountMinor: claim.amountMinor, asset: claim.asset, chainId: claim.chainId, expiresAt: claim.expiresAt };
}

export function claimItem(claim: ClaimRecord): Record<string, AttributeValue> {
  return {
    ...claimKey(claim.id),
    entity: { S: 'refund_claim' },
    merchantId: { S: claim.merchantId },
    merchantName: { S: claim.merchantName },
    refundId: { S: claim.refundId },
    chargeId: { S: claim.chargeId },
    paymentId: { S: claim.paymentId },
    amount: { N: claim.amountMinor.toString() },
    asset: { S: claim.asset },
    chain: { S: claim.chain },
    chainId: { N: String(claim.chainId) },
    expiresAt: { S: claim.expiresAt },
    status: { S: claim.status },
  };
}

const storedClaimSchema = z.object({
  pk: z.string().transform((pk) => pk.slice('CLAIM#'.length)),
  merchantId: z.string(),
  merchantName: z.string(),
  refundId: z.string(),
  chargeId: z.string(),
  paymentId: z.string(),
  amount: bigintAttribute,
  asset: z.string(),
  chain: z.string(),
  chainId: z.number().int(),
  expiresAt: z.string(),
  status: z.enum(['open', 'claimed']),
  address: z.string().optional(),
  claimedAt: z.string().optional(),
});

export function claimFromItem(item: Record<string, AttributeValue>): ClaimRecord {
  const stored = readItem(storedClaimSchema, item);
  const { pk: id, amount: amountMinor, address, claimedAt, ...rest } = stored;
  return { id, amountMinor, ...rest, ...(address ? { address } : {}), ...(claimedAt ? { claimedAt } : {}) };
}

/** The claim used: `open` → `claimed` with the address, once (the condition fails for a second claim). */
export function useClaimItem(tableName: string, claimId: string, address: string, now: Date): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: claimKey(claimId),
      UpdateExpression: 'SET #status = :claimed, address = :address, claimedAt = :now',
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':claimed': { S: 'claimed' }, ':open': { S: 'open' }, ':address': { S: address }, ':now': { S: now.toISOString() } },
    },
  };
}
