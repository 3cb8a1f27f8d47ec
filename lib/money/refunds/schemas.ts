import * as z from 'zod';
import { amountStringSchema } from '#ledger';
import { chargeIdSchema } from '../charges/schemas.js';
import { evmAddressSchema, metadataSchema } from '../payments/schemas.js';

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
  destination: evmAddressSchema.meta({ ...evmAddressSchema.meta(), not: { pattern: '^0x0{40}$' } }),
  chain: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a chain name such as "local-a"').optional(),
  reason: z.string().min(1).max(500).optional(),
  metadata: metadataSchema.optional(),
});
export type CreateRefundBody = z.infer<typeof createRefundBodySchema>;

export const chargeRefundsPathSchema = z.strictObject({ id: chargeIdSchema });
export const refundIdPathSchema = z.strictObject({ id: refundIdSchema });

export const refundListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: refundIdSchema.optional(),
});

/**
 * pending: accepted, not yet paying (reserved for refunds that wait on the payer); requires_approval:
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
  destination: z.string(),
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
  created_at: z.string(),
});
export type Refund = z.infer<typeof refundSchema>;
