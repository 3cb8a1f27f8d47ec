import * as z from 'zod';
import { kycReasonCodes } from '../kyc/documents/reasons.js';
import { customerIdSchema, verificationIdSchema } from './ids.js';

export { customerIdSchema, verificationIdSchema };

/** API shapes of customers and their verifications. No field here ever holds PII in clear. */

/** zod's email pattern, with RFC 5321's limit of 64 characters before the @ (stated in the document too). */
const emailPattern = new RegExp(`^(?=[^@]{1,64}@)${z.regexes.email.source.slice(1)}`);


const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 20, 'at most 20 keys');

/** Body of POST /v1/customers. Unknown fields are refused. */
export const createCustomerBodySchema = z.strictObject({
  external_id: z.string().min(1).max(100).optional().meta({ description: "The merchant's own id for this customer." }),
  email: z.email({ pattern: emailPattern, error: 'must be an email address (at most 64 characters before the @)' }).max(254).optional(),
  metadata: metadataSchema.optional(),
});
export type CreateCustomerBody = z.infer<typeof createCustomerBodySchema>;

export const customerIdPathSchema = z.strictObject({ id: customerIdSchema });
export const verificationPathSchema = z.strictObject({ id: customerIdSchema, verification: verificationIdSchema });
export const customerListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: customerIdSchema.optional(),
});

/**
 * A customer's KYC status, as the payment gate reads it: only `approved` passes above the
 * threshold, and `review` or `rejected` (held until the operator resolves them) pass at no amount.
 */
export const kycStatuses = ['none', 'processing', 'approved', 'review', 'rejected'] as const;
export type KycStatus = (typeof kycStatuses)[number];

export const customerSchema = z.object({
  id: z.string(),
  object: z.literal('customer'),
  external_id: z.string().nullable(),
  email: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  kyc_status: z.enum(kycStatuses),
  /** The latest verification, whose outcome the status follows. */
  verification: z.string().nullable(),
  created_at: z.string(),
  pii_erased_at: z.string().nullable(),
});
export type Customer = z.infer<typeof customerSchema>;

/** `canceled`: its data was erased before it was decided. */
export const verificationStatuses = ['processing', 'approved', 'review', 'rejected', 'canceled'] as const;
export type VerificationStatus = (typeof verificationStatuses)[number];

/**
 * Reason codes of a decision: the document/phone codes plus screening's, plus the document
 * register's: `document_reused` (another customer of the merchant gave this document number) and
 * `name_changed` (it was given before under another name). Those four send to review.
 */
export const verificationReasonCodes = [...kycReasonCodes, 'sanctions_match', 'sanctions_possible_match', 'document_reused', 'name_changed'] as const;
export type VerificationReasonCode = (typeof verificationReasonCodes)[number];

export const sanctionsMatchSchema = z.object({
  list: z.literal('SDN'),
  entry_id: z.number().int(),
  entry_name: z.string(),
  matched_name: z.string(),
  score: z.number(),
  list_version: z.string(),
});
export type SanctionsMatch = z.infer<typeof sanctionsMatchSchema>;

export const verificationSchema = z.object({
  id: z.string(),
  object: z.literal('customer.verification'),
  customer: z.string(),
  status: z.enum(verificationStatuses),
  nationality: z.string(),
  document: z.object({ type: z.enum(['cn_resident_id', 'passport']), number_last4: z.string().nullable() }),
  phone_last4: z.string().nullable(),
  reasons: z.array(z.enum(verificationReasonCodes)),
  sanctions_matches: z.array(sanctionsMatchSchema),
  decided_at: z.string().nullable(),
  /** `system` for the automatic decision and re-screening; `operator` once resolved by hand. */
  decided_by: z.enum(['system', 'operator']).nullable(),
  resolution: z.object({ decision: z.enum(['approved', 'rejected']), note: z.string(), actor: z.string(), resolved_at: z.string() }).nullable(),
  created_at: z.string(),
  pii_erased_at: z.string().nullable(),
});
export type Verification = z.infer<typeof verificationSchema>;

export const verificationEventTypes = ['customer.verification.approved', 'customer.verification.review', 'customer.verification.rejected'] as const;
export type VerificationEventType = (typeof verificationEventTypes)[number];
