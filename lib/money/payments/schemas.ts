import { getAddress } from 'ethers';
import * as z from 'zod';
import { customerIdSchema } from '#compliance';
import { amountStringSchema } from '#ledger';

/** An EVM address; mixed case must carry a valid EIP-55 checksum. Normalised to the checksummed form. */
export const evmAddressSchema = z.string().transform((value, ctx) => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be a 0x-prefixed 20-byte hex address' });
    return z.NEVER;
  }
  try {
    return getAddress(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'has an invalid EIP-55 checksum (check the letter case, or send it all lowercase)' });
    return z.NEVER;
  }
}).meta({
  // The document promises the forms that always pass; a mixed-case address passes only with its checksum.
  pattern: '^0x([0-9a-f]{40}|[0-9A-F]{40})$',
  description: 'An EVM address: 0x and 40 hex digits, all lowercase, all uppercase, or mixed case with a valid EIP-55 checksum.',
});

export const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 20, 'at most 20 keys')
  .meta({ maxProperties: 20 });

/** Body of POST /v1/payments. Unknown fields are refused, as Stripe does. */
export const createPaymentBodySchema = z.strictObject({
  amount: amountStringSchema,
  asset: z.string().regex(/^[A-Z0-9]{2,12}$/, 'must be an asset symbol such as "USDC"'),
  chain: z.string().min(1).max(40),
  // The zero address burns what it receives: refused (lib/money/payments/destinations.ts), so never documented as valid.
  destination: evmAddressSchema.meta({ ...evmAddressSchema.meta(), not: { pattern: '^0x0{40}$' } }),
  capture: z.enum(['automatic', 'manual']).default('automatic'),
  /** A customer created with POST /v1/customers; required (and approved) above the KYC threshold. */
  customer: customerIdSchema.optional(),
  description: z.string().max(500).optional(),
  metadata: metadataSchema.optional(),
});
export type CreatePaymentBody = z.infer<typeof createPaymentBodySchema>;

export const captureBodySchema = z.strictObject({ amount: z.optional(amountStringSchema) });
export const cancelBodySchema = z.strictObject({});

export const paymentIdPathSchema = z.strictObject({ id: z.string().regex(/^pay_[0-9a-z]{26}$/, 'must be a payment id (pay_...)') });
export const eventIdPathSchema = z.strictObject({ id: z.string().regex(/^evt_[0-9a-z]{26}$/, 'must be an event id (evt_...)') });

export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().regex(/^(pay|evt)_[0-9a-z]{26}$/).optional(),
});

export const paymentStatuses = ['requires_approval', 'authorized', 'processing', 'succeeded', 'failed', 'canceled', 'expired', 'declined'] as const;

/** A payment's chain in a list filter: a registry name (lib/chains/registry.ts). */
export const chainNameSchema = z.string().regex(/^[a-z0-9-]{2,40}$/);

/** GET /v1/payments: a page, newest first, filtered by status, chain and creation time. */
export const listPaymentsQuerySchema = listQuerySchema.extend({
  status: z.enum(paymentStatuses).optional(),
  chain: chainNameSchema.optional(),
  'created[gte]': z.iso.datetime({ offset: true }).optional(),
  'created[lt]': z.iso.datetime({ offset: true }).optional(),
});
export type ListPaymentsQuery = z.infer<typeof listPaymentsQuerySchema>;

/** The payment as merchants see it, in responses, events and webhooks. */
export const paymentSchema = z.object({
  id: z.string(),
  object: z.literal('payment'),
  status: z.enum(paymentStatuses),
  amount: z.string(),
  amount_captured: z.string(),
  fee: z.string(),
  asset: z.string(),
  chain: z.string(),
  /** The address paid; null only for a refund's payout while it waits for the payer to claim it (docs/refunds.md). */
  destination: z.string().nullable(),
  capture: z.enum(['automatic', 'manual']),
  customer: z.string().nullable(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  tx_hash: z.string().nullable(),
  decline_code: z.string().nullable(),
  failure_code: z.string().nullable(),
  /** The approval request (GET /v1/approvals) the payment waits for; present only while it is requires_approval. */
  approval_id: z.string().optional(),
});
export type Payment = z.infer<typeof paymentSchema>;

/**
 * The address a captured payout is paid to. Only a claim refund's payout is ever without one, and
 * it is captured only by its claim, which sets it: a payout reaching the chain without one is a bug.
 */
export function payoutAddress(payment: Pick<Payment, 'id' | 'destination'>): string {
  if (payment.destination === null) throw new Error(`payment ${payment.id} has no destination; a claim refund's payout is paid only once claimed`);
  return payment.destination;
}

export const balanceSchema = z.object({ asset: z.string(), available: z.string(), pending: z.string() });

export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });
}
