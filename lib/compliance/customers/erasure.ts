import { BatchGetItemCommand, paginateQuery, QueryCommand, TransactWriteItemsCommand, type AttributeValue, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { writeAudited, type AuditActor } from '#audit';
import { jsonAttribute, readItem } from '#platform';
import { requireCustomer } from './customers.js';
import { isHeld } from './decide.js';
import type { CustomerDeps } from './deps.js';
import {
  customerItem, customerKey, customerVerificationsPartition, verificationFromItem, verificationItem, verificationKey, verificationLinkKey,
  verificationIdOfKeys, verificationLinkPrefix, versionedPut, withFreshVersions, type CustomerRecord, type VerificationRecord,
} from './items.js';
import type { Customer } from './schemas.js';

/**
 * Erasing a customer's PII, for any number of verifications. One transaction holds at most 100
 * items, so the erasure runs in steps, each its own transaction, and a retry resumes it:
 *
 * 1. mark the customer as erasing (email gone, KYC status `none` unless held): from then on no
 *    verification is accepted (assertAcceptsVerification), so the set to erase cannot grow;
 * 2. erase the verifications in chunks, read from the links in the customer's partition with a
 *    strongly consistent Query (a verification committed before the mark has its link, written in
 *    its own transaction, so none is missed), each chunk deleting the links it erased;
 * 3. erase what only gsi1 knows: verifications written before links existed (old enough for the
 *    index to be current), each re-read strongly before it is written;
 * 4. mark the customer erased.
 *
 * Every step is guarded by item versions, so a decision or a second erasure racing it makes it
 * re-read, never overwrite. The request stops after `budgetMs` with `complete: false` and the next
 * DELETE resumes where it stopped.
 */
export interface ErasureResult {
  customer: Customer;
  /** False when the time budget ran out first: send the request again to resume. */
  complete: boolean;
}

/** Verifications per transaction: each is a Put of the verification and a Delete of its link. */
export const erasureChunkSize = 40;
/**
 * When a request stops starting chunks: with the chunk under way and the final step it stays inside
 * the deployed functions' 10 s timeout (as the audit chain's 6 s budget does).
 */
export const erasureBudgetMs = 5_000;

/** Customers and verifications are changed through the merchant API (the key id is not passed down yet). */
const merchantKey: AuditActor = { type: 'api_key', id: null };

export async function eraseCustomerPii(
  deps: CustomerDeps, merchantId: string, customerId: string, options: { budgetMs?: number } = {},
): Promise<ErasureResult> {
  const startedMs = deps.now().getTime();
  const budgetMs = options.budgetMs ?? erasureBudgetMs;
  const marked = await withFreshVersions(`Customer ${customerId}`, () => markErasing(deps, merchantId, customerId));
  if (marked === 'already_erased') return { customer: (await requireCustomer(deps, merchantId, customerId)).customer, complete: true };
  for (let chunks = 0; ; chunks++) {
    if (chunks > 0 && deps.now().getTime() - startedMs >= budgetMs) {
      return { customer: (await requireCustomer(deps, merchantId, customerId)).customer, complete: false };
    }
    const erased = await withFreshVersions(`Customer ${customerId}`, () => eraseLinkedChunk(deps, merchantId, customerId));
    if (erased === 0) break;
  }
  await eraseUnlinked(deps, merchantId, customerId);
  const customer = await withFreshVersions(`Customer ${customerId}`, () => markErased(deps, merchantId, customerId));
  return { customer, complete: true };
}

async function markErasing(deps: CustomerDeps, merchantId: string, customerId: string): Promise<'marked' | 'already_erased'> {
  const record = await requireCustomer(deps, merchantId, customerId);
  if (record.erasingSince) return 'marked';
  if (record.customer.pii_erased_at !== null && (await linkedVerificationIds(deps, merchantId, customerId, 1)).length === 0) return 'already_erased';
  const now = deps.now();
  const customer: Customer = { ...record.customer, email: null, kyc_status: erasedStatus(record.customer) };
  await writeAudited(deps, {
    items: [
      versionedPut(deps.tableName, customerItem({ ...record, customer, version: record.version + 1, erasingSince: now.toISOString() }), record.version),
    ],
    audit: { merchantId, actor: merchantKey, action: 'customer.pii_erasure_started', object: { type: 'customer', id: customerId }, at: now },
  });
  return 'marked';
}

/** With no data left to re-screen, the status returns to `none`; a held customer stays held, for the operator. */
function erasedStatus(customer: Customer): Customer['kyc_status'] {
  return isHeld(customer) ? customer.kyc_status : 'none';
}

async function linkedVerificationIds(deps: CustomerDeps, merchantId: string, customerId: string, limit: number): Promise<string[]> {
  const { pk } = customerKey(merchantId, customerId);
  const page = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName, ConsistentRead: true, Limit: limit,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk!, ':prefix': { S: verificationLinkPrefix } },
  }));
  return (page.Items ?? []).map((item) => readItem(z.object({ verificationId: z.string() }), item).verificationId);
}

/** Erases the next chunk of linked verifications; 0 when none is left. */
async function eraseLinkedChunk(deps: CustomerDeps, merchantId: string, customerId: string): Promise<number> {
  const ids = await linkedVerificationIds(deps, merchantId, customerId, erasureChunkSize);
  if (ids.length === 0) return 0;
  const records = await readVerifications(deps, ids);
  const now = deps.now().toISOString();
  const items: TransactWriteItem[] = ids.flatMap((id) => {
    const record = records.get(id);
    const unlink: TransactWriteItem = { Delete: { TableName: deps.tableName, Key: verificationLinkKey(merchantId, customerId, id) } };
    return record && record.merchantId === merchantId ? [erasedPut(deps.tableName, record, now), unlink] : [unlink];
  });
  await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
  return ids.length;
}

const erasureStateSchema = z.object({ pii: z.unknown().optional(), object: jsonAttribute(z.looseObject({ pii_erased_at: z.unknown().optional() })) });

/** Erased: no PII left on the item, and the verification says when it went. */
function isErased(item: Record<string, AttributeValue>): boolean {
  const { pii, object } = readItem(erasureStateSchema, item);
  return pii === undefined && Boolean(object.pii_erased_at);
}

/** Verifications from before links existed, found by gsi1 and re-read strongly. */
async function eraseUnlinked(deps: CustomerDeps, merchantId: string, customerId: string): Promise<void> {
  const candidates: string[] = [];
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': { S: customerVerificationsPartition(customerId) } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) if (!isErased(item)) candidates.push(verificationIdOfKeys(item));
  for (let i = 0; i < candidates.length; i += erasureChunkSize) {
    const ids = candidates.slice(i, i + erasureChunkSize);
    await withFreshVersions(`Customer ${customerId}`, async () => {
      const now = deps.now().toISOString();
      const items = [...(await readVerifications(deps, ids)).values()]
        .filter((record) => record.merchantId === merchantId && needsErasure(record))
        .map((record) => erasedPut(deps.tableName, record, now));
      if (items.length > 0) await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
    });
  }
}

async function markErased(deps: CustomerDeps, merchantId: string, customerId: string): Promise<Customer> {
  const record = await requireCustomer(deps, merchantId, customerId);
  if (!record.erasingSince) return record.customer;
  const now = deps.now();
  const customer: Customer = { ...record.customer, email: null, kyc_status: erasedStatus(record.customer), pii_erased_at: now.toISOString() };
  const next: CustomerRecord = { ...record, customer, version: record.version + 1, erasingSince: undefined };
  await writeAudited(deps, {
    items: [
      versionedPut(deps.tableName, customerItem(next), record.version),
    ],
    audit: { merchantId, actor: merchantKey, action: 'customer.pii_erased', object: { type: 'customer', id: customerId }, at: now },
  });
  return customer;
}

function needsErasure(record: VerificationRecord): boolean {
  return record.pii !== undefined || record.verification.pii_erased_at === null;
}

/** The verification without its sealed PII; every decision record stays (one still processing is `canceled`: nothing is left to decide it from). */
function erasedPut(tableName: string, record: VerificationRecord, now: string): TransactWriteItem {
  const verification = {
    ...record.verification,
    status: record.verification.status === 'processing' ? 'canceled' as const : record.verification.status,
    pii_erased_at: record.verification.pii_erased_at ?? now,
  };
  return versionedPut(tableName, verificationItem({ merchantId: record.merchantId, version: record.version + 1, verification }), record.version);
}

/** Strongly consistent reads of up to 100 verifications, by id. */
async function readVerifications(deps: CustomerDeps, ids: string[]): Promise<Map<string, VerificationRecord>> {
  const records = new Map<string, VerificationRecord>();
  let keys: Record<string, AttributeValue>[] = ids.map(verificationKey);
  while (keys.length > 0) {
    const result = await deps.dynamodb.send(new BatchGetItemCommand({ RequestItems: { [deps.tableName]: { Keys: keys, ConsistentRead: true } } }));
    for (const item of result.Responses?.[deps.tableName] ?? []) {
      const record = verificationFromItem(item);
      records.set(record.verification.id, record);
    }
    keys = (result.UnprocessedKeys?.[deps.tableName]?.Keys ?? []) as Record<string, AttributeValue>[];
  }
  return records;
}
