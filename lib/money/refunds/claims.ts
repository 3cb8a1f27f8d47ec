import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { Chain } from '#chains';
import { ledgerDecimals } from '#ledger';
import type { MerchantProfile } from '#merchants';
import { NotFoundError } from '#platform';
import type { PaymentDeps } from '../payments/deps.js';
import type { RefundLink } from '../payments/items.js';
import type { Payment } from '../payments/schemas.js';
import { readPayment } from '../payments/settle.js';
import { claimFromItem, claimKey, claimTermsOf, type ClaimRecord } from './claim-items.js';
import { claimIdPattern, claimMessage, claimMessageTemplate, newClaimId } from './claim-message.js';
import type { RefundDeps } from './deps.js';
import { claimExpiryBoundsSeconds } from './schemas.js';

/** The claim a `claim: true` refund is created with: open, expiring `expiresInSeconds` from now (14 days by default). */
export function newClaim(input: {
  merchant: MerchantProfile; refundId: string; chargeId: string; paymentId: string; amountMinor: bigint; asset: string; chain: Chain;
  expiresInSeconds: number | undefined; now: Date;
}): ClaimRecord {
  const seconds = input.expiresInSeconds ?? claimExpiryBoundsSeconds.default;
  return {
    id: newClaimId(),
    merchantId: input.merchant.id,
    merchantName: input.merchant.name,
    refundId: input.refundId,
    chargeId: input.chargeId,
    paymentId: input.paymentId,
    amountMinor: input.amountMinor,
    asset: input.asset,
    chain: input.chain.name,
    chainId: input.chain.chainId,
    expiresAt: new Date(input.now.getTime() + seconds * 1000).toISOString(),
    status: 'open',
  };
}

/** What the refund's payout carries of its claim: its id, its page, its expiry. */
export function claimLinkOf(deps: Pick<RefundDeps, 'claimBaseUrl'>, claim: ClaimRecord): NonNullable<RefundLink['claim']> {
  return { id: claim.id, url: `${deps.claimBaseUrl}/${claim.id}`, expiresAt: claim.expiresAt };
}

/**
 * A claim as its page shows it, without a key: what is paid, by whom, on which chain, until when,
 * and the message to sign. `open`: claimable now; `requires_approval`: the merchant's members have
 * not approved the refund yet; `claimed`: paid (or being paid) to `address`; `expired`, `canceled`:
 * the money went back to the merchant.
 */
export const claimViewSchema = z.object({
  id: z.string(),
  object: z.literal('refund_claim'),
  status: z.enum(['open', 'requires_approval', 'claimed', 'expired', 'canceled']),
  amount: z.string(),
  asset: z.string(),
  /** The asset's ledger decimals, to show `amount` in whole units. */
  decimals: z.number().int(),
  chain: z.string(),
  chain_id: z.number().int(),
  merchant_name: z.string(),
  expires_at: z.string(),
  /** The address paid, once claimed. */
  address: z.string().nullable(),
  /** The exact message to sign, with `<your address>` where the address goes (written in lowercase); once claimed, the message that was signed. */
  message: z.string(),
  /** The refund's payout status once claimed (processing, succeeded, failed). */
  payout_status: z.string().nullable(),
});
export type ClaimView = z.infer<typeof claimViewSchema>;

export function claimStatusOf(claim: ClaimRecord, payment: Pick<Payment, 'status'>, now: Date): ClaimView['status'] {
  if (claim.status === 'claimed') return 'claimed';
  switch (payment.status) {
    case 'requires_approval': return 'requires_approval';
    case 'authorized': return now.toISOString() >= claim.expiresAt ? 'expired' : 'open';
    case 'expired': return 'expired';
    default: return 'canceled';
  }
}

export function claimView(claim: ClaimRecord, payment: Payment, now: Date): ClaimView {
  const decimals = ledgerDecimals[claim.asset];
  if (decimals === undefined) throw new Error(`no ledger decimals for ${claim.asset}`);
  const status = claimStatusOf(claim, payment, now);
  const terms = claimTermsOf(claim);
  return {
    id: claim.id,
    object: 'refund_claim',
    status,
    amount: claim.amountMinor.toString(),
    asset: claim.asset,
    decimals,
    chain: claim.chain,
    chain_id: claim.chainId,
    merchant_name: claim.merchantName,
    expires_at: claim.expiresAt,
    address: claim.address ?? null,
    message: claim.address ? claimMessage(terms, claim.address) : claimMessageTemplate(terms),
    payout_status: status === 'claimed' ? payment.status : null,
  };
}

/** A claim and its refund's payout, read consistently; an id that is not a claim's is a 404 like a missing one. */
export async function readClaim(deps: Pick<PaymentDeps, 'dynamodb' | 'tableName'>, claimId: string) {
  if (!claimIdPattern.test(claimId)) throw new NotFoundError('claim', claimId);
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: claimKey(claimId), ConsistentRead: true }))).Item;
  if (!item) throw new NotFoundError('claim', claimId);
  const claim = claimFromItem(item);
  const record = await readPayment(deps, claim.merchantId, claim.paymentId);
  return { claim, record };
}

/** The public view of a claim, for its page. */
export async function getClaimView(deps: Pick<PaymentDeps, 'dynamodb' | 'tableName' | 'now'>, claimId: string): Promise<ClaimView> {
  const { claim, record } = await readClaim(deps, claimId);
  return claimView(claim, record.payment, deps.now());
}
