import { BatchGetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { writeAudited, type AuditActor } from '#audit';
import { NotFoundError } from '#platform';
import { requireCustomer } from './customers.js';
import type { CustomerDeps } from './deps.js';
import { CustomerErasingError, PiiErasedError } from './errors.js';
import { addressSchema } from '../kyc/schemas.js';
import { openPii } from './pii.js';
import { isResolvable, resolvablePartition, verificationFromItem } from './items.js';
import { resolveVerification } from './resolve.js';
import { verificationIdSchema, verificationReasonCodes } from './schemas.js';
import { readVerification } from './verifications.js';

/**
 * The platform operator's KYC review through the API (the console's KYC page): the queue of
 * verifications to resolve, never with PII; their resolution, as `lanepay kyc resolve`; and one
 * customer's PII for whoever asks, each reveal an audit record of its own before anything is shown.
 */

/** A verification to resolve, as the queue shows it: ids, status and reason codes, never PII (nor its last four characters). */
export const kycReviewSchema = z.object({
  id: z.string(),
  object: z.literal('kyc_review'),
  merchant_id: z.string(),
  customer_id: z.string(),
  status: z.enum(['review', 'rejected']),
  reason_codes: z.array(z.enum(verificationReasonCodes)),
  /** How many sanctions list entries matched (their names are the list's, not the customer's). */
  sanctions_matches: z.number().int(),
  created_at: z.string(),
  decided_at: z.string().nullable(),
});
export type KycReview = z.infer<typeof kycReviewSchema>;

export const kycReviewsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  starting_after: verificationIdSchema.optional(),
});

export const resolveBodySchema = z.strictObject({
  decision: z.enum(['approved', 'rejected']),
  note: z.string().trim().min(1).max(1000),
});

export const resolvePathSchema = z.strictObject({ id: verificationIdSchema });

/** What GET /v1/customers/{id}/pii shows: the latest verification's identity data, opened for this request. */
export const customerPiiSchema = z.object({
  object: z.literal('customer_pii'),
  customer: z.string(),
  verification: z.string(),
  name: z.string(),
  birth_date: z.string(),
  // As given (a resident ID's number, or a passport's two MRZ lines); stated loosely here: a document
  // schema's tuple has no form in an OpenAPI response that every reader takes.
  document: z.union([
    z.object({ type: z.literal('cn_resident_id'), number: z.string() }),
    z.object({ type: z.literal('passport'), mrz: z.array(z.string()) }),
  ]),
  phone: z.string().nullable(),
  address: addressSchema.nullable(),
  revealed_at: z.string(),
});

type Deps = Pick<CustomerDeps, 'dynamodb' | 'tableName' | 'kms' | 'now'>;

/** The queue, oldest first (gsi2 `KYC#RESOLVABLE`, keys only; the verifications read by BatchGet). */
export async function listKycReviews(deps: Deps, query: z.infer<typeof kycReviewsQuerySchema>): Promise<{ object: 'list'; data: KycReview[]; has_more: boolean }> {
  const after = query.starting_after ? await readVerification(deps, query.starting_after) : undefined;
  const page = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: after ? 'gsi2pk = :p AND gsi2sk > :after' : 'gsi2pk = :p',
    ExpressionAttributeValues: {
      ':p': { S: resolvablePartition },
      ...(after ? { ':after': { S: `${after.verification.created_at}#${after.verification.id}` } } : {}),
    },
    Limit: query.limit + 1,
  }));
  const keys = (page.Items ?? []).slice(0, query.limit).map((item) => ({ pk: item.pk!, sk: item.sk! }));
  const records = await batchRead(deps, keys);
  // The index is eventually consistent: a verification resolved a moment ago is left out.
  const data = keys.flatMap((key) => {
    const record = records.get(key.pk.S!);
    const v = record?.verification;
    if (!record || !v || !isResolvable(v) || (v.status !== 'review' && v.status !== 'rejected')) return [];
    return [{
      id: v.id, object: 'kyc_review' as const, merchant_id: record.merchantId, customer_id: v.customer, status: v.status,
      reason_codes: v.reasons, sanctions_matches: v.sanctions_matches.length, created_at: v.created_at, decided_at: v.decided_at,
    }];
  });
  return { object: 'list', data, has_more: (page.Items ?? []).length > query.limit };
}

async function batchRead(deps: Deps, keys: Record<string, AttributeValue>[]) {
  const found = new Map<string, ReturnType<typeof verificationFromItem>>();
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 8) throw new Error(`could not read ${pending.length} verifications`);
    const result = await deps.dynamodb.send(new BatchGetItemCommand({ RequestItems: { [deps.tableName]: { Keys: pending, ConsistentRead: true } } }));
    for (const item of result.Responses?.[deps.tableName] ?? []) found.set(item.pk!.S!, verificationFromItem(item));
    pending = (result.UnprocessedKeys?.[deps.tableName]?.Keys ?? []) as typeof keys;
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
  }
  return found;
}

/** POST /v1/kyc/verifications/{id}/resolve: `lanepay kyc resolve`'s resolution, recorded as made by `actor` (the member or the API key). */
export async function resolveKycReview(deps: Deps, input: { verificationId: string; decision: 'approved' | 'rejected'; note: string; actor: AuditActor }) {
  const actorName = `${input.actor.type}:${input.actor.id ?? 'unknown'}`;
  return resolveVerification(deps, { verificationId: input.verificationId, decision: input.decision, note: input.note, actor: actorName, auditActor: input.actor });
}

/**
 * GET /v1/customers/{id}/pii: the PII of the customer's latest verification. The reveal is written
 * to the audit log (`customer.pii_revealed`, naming who asked) in its own transaction before the
 * data is opened; a customer being erased, or whose data was erased, is refused.
 */
export async function revealCustomerPii(deps: Deps, input: { merchantId: string; customerId: string; actor: AuditActor }): Promise<z.infer<typeof customerPiiSchema>> {
  const customer = await requireCustomer(deps, input.merchantId, input.customerId);
  if (customer.erasingSince) throw new CustomerErasingError(input.customerId);
  const verificationId = customer.customer.verification;
  if (!verificationId) throw new NotFoundError('identity data of customer', input.customerId);
  const record = await readVerification(deps, verificationId);
  if (!record || record.merchantId !== input.merchantId) throw new NotFoundError('identity data of customer', input.customerId);
  if (!record.pii) throw new PiiErasedError(input.customerId);
  const at = deps.now();
  await writeAudited(deps, {
    items: [],
    audit: { merchantId: input.merchantId, actor: input.actor, action: 'customer.pii_revealed', object: { type: 'customer', id: input.customerId }, at },
  });
  const pii = await openPii(deps, { merchantId: input.merchantId, customerId: input.customerId }, record.pii);
  return {
    object: 'customer_pii', customer: input.customerId, verification: verificationId,
    name: pii.name, birth_date: pii.birth_date, document: pii.document, phone: pii.phone ?? null, address: pii.address ?? null,
    revealed_at: at.toISOString(),
  };
}
