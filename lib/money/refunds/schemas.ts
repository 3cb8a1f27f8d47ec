import * as z from 'zod';
import { amountStringSchema } from '#ledger';
import { chargeIdSchema } from '../charges/schemas.js';
import { evmAddressSchema, metadataSchema } from '../payments/schemas.js';

/** How long a claim may stay open, in seconds: at least an hour, at most 30 days; 14 days by default. */
export const claimExpiryBoundsSeconds = { min: 3600, max: 30 * 24 * 3600, default: 14 * 24 * 3600 } as const;

export const refundIdSchema = z.string().regex(/^re_[0-9a-z]{26}$/, 'must be a refund id (re_...)');

/**
 * Body of POST /v1/charges/{id}/refunds. `amount`: minor units, or `"excess"` for exactly what was
 * paid over the charge's amount (and not yet refunded); absent, all that the charge credited and
 * not yet refunded. `chain`: where the refund is paid; by default the chain of the charge's first
 * credited deposit (docs/refunds.md).
 */
export const createRefundBodySchema = z.strictObject({
  amount: z.union([amountStringSchema, z.literal('excess')]).optional(),
  // The zero address burns what it receives: refused (lib/money/payments/destinations.ts), so never documented as valid.
  destination: evmAddressSchema.meta({ ...evmAddressSchema.meta(), not: { pattern: '^0x0{40}$' } }).optional(),
  /** Instead of `destination`: the payer names the address on the refund's claim page (`claim_url`) and proves it with a signature. */
  claim: z.literal(true).optional(),
  /** With `claim`: seconds until the claim expires and the money goes back to the merchant (1 hour to 30 days; default 14 days). */
  claim_expires_in: z.number().int().min(claimExpiryBoundsSeconds.min).max(claimExpiryBoundsSeconds.max).optional(),
  chain: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a chain name such as "local-a"').optional(),
  reason: z.string().min(1).max(500).optional(),
  metadata: metadataSchema.optional(),
}).superRefine((body, ctx) => {
  // Exactly one of the two ways to say where the money goes.
  if (body.destination !== undefined && body.claim !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['claim'], message: 'give either destination or claim: true, not both' });
  } else if (body.destination === undefined && body.claim === undefined) {
    ctx.addIssue({ code: 'custom', path: ['destination'], message: 'required, unless claim is true (the payer names the address)' });
  }
  if (body.claim_expires_in !== undefined && body.claim === undefined) {
    ctx.addIssue({ code: 'custom', path: ['claim_expires_in'], message: 'only with claim: true' });
  }
}).meta({
  // The same rule for the document (zod's refinements are not in the JSON Schema it writes): a
  // destination, or a claim (with its optional expiry), never both.
  // (`{ not: {} }` matches nothing: the property must be absent.)
  oneOf: [
    { required: ['destination'], properties: { claim: { not: {} }, claim_expires_in: { not: {} } } },
    { required: ['claim'], properties: { destination: { not: {} } } },
  ],
});
export type CreateRefundBody = z.infer<typeof createRefundBodySchema>;

export const chargeRefundsPathSchema = z.strictObject({ id: chargeIdSchema });
export const refundIdPathSchema = z.strictObject({ id: refundIdSchema });

export const refundListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: refundIdSchema.optional(),
});

/**
 * pending: accepted, its money held, waiting for the payer to claim it (claim_url); requires_approval:
 * held for the merchant's members; processing: its payout is on its way; succeeded: confirmed on
 * chain; failed: the payout failed (its amount is refundable again); canceled: rejected, withdrawn
 * or expired while held.
 */
export const refundStatuses = ['pending', 'requires_approval', 'processing', 'succeeded', 'failed', 'canceled'] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/** The refund as merchants see it, in responses, events and webhooks. */
export const refundSchema = z.object({
  id: z.string(),
  object: z.literal('refund'),
  status: z.enum(refundStatuses),
  /** Ledger minor units paid back to `destination`. */
  amount: z.string(),
  /** The payout fee the merchant pays on top, as for any payout. */
  fee: z.string(),
  asset: z.string(),
  chain: z.string(),
  /** The address paid; null while a claim refund waits for the payer to claim it. */
  destination: z.string().nullable(),
  /** The charge refunded. */
  charge: z.string(),
  /** The payment (GET /v1/payments/{id}) that pays the refund out on chain. */
  payout: z.string(),
  reason: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  tx_hash: z.string().nullable(),
  failure_code: z.string().nullable(),
  /** The approval request it waits for, while requires_approval. */
  approval_id: z.string().optional(),
  /** Claim refunds only: the hosted page where the payer names the address and proves it with a signature. */
  claim_url: z.string().optional(),
  /** Claim refunds only: when an unclaimed claim expires and its money goes back to the merchant. */
  claim_expires_at: z.string().optional(),
  created_at: z.string(),
});
export type Refund = z.infer<typeof refundSchema>;

export const claimIdSchema = z.string().regex(/^clm_[0-9a-f]{32}$/, 'must be a claim id (clm_...)');
export const claimPathSchema = z.strictObject({ id: claimIdSchema });

/** Body of POST /claims/{id}: the address to pay and its EIP-191 (personal_sign) signature of the claim's message. */
export const claimBodySchema = z.strictObject({
  address: evmAddressSchema.meta({ ...evmAddressSchema.meta(), not: { pattern: '^0x0{40}$' } }),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte signature: 0x and 130 hex digits'),
});
