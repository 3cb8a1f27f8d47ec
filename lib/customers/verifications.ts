import { GetItemCommand, QueryCommand, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { NotFoundError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { completeIdempotencyItem } from '../idempotency/store.js';
import type { CreateVerificationBody } from '../kyc/schemas.js';
import { idempotently, requireCustomer, type IdempotentRequest } from './customers.js';
import type { CustomerDeps } from './deps.js';
import {
  customerItem, customerVerificationsPartition, verificationFromItem, verificationItem, verificationKey, versionedPut, withFreshVersions, type VerificationRecord,
} from './items.js';
import { last4, sealPii } from './pii.js';
import type { Customer, Verification } from './schemas.js';
import { auditItems, type AuditActor } from '../audit/index.js';

/** Customers and verifications are created through the merchant API (the key id is not passed down yet). */
const merchantKey: AuditActor = { type: 'api_key', id: null };

type TableDeps = Pick<CustomerDeps, 'dynamodb' | 'tableName'>;

/**
 * Records a verification as `processing`, its PII sealed, in ONE transaction with the customer's
 * new status and the idempotency record; then asks kyc-check to decide it. If that message is lost
 * (the send fails, the process dies), the scheduled sweep finds the verification still processing
 * and decides it: the consumer is idempotent by verification id, so a duplicate changes nothing.
 */
export async function createVerification(
  deps: CustomerDeps,
  request: IdempotentRequest & { customerId: string; body: CreateVerificationBody },
): Promise<Verification> {
  const verification = await idempotently(deps, request, async (lock) => {
    const { body } = request;
    const pii = await sealPii(deps, { merchantId: request.merchantId, customerId: request.customerId }, {
      name: body.name, birth_date: body.birth_date, document: body.document, phone: body.phone, address: body.address,
    });
    return withFreshVersions(`Customer ${request.customerId}`, async () => {
      const customer = await requireCustomer(deps, request.merchantId, request.customerId);
      const now = deps.now().toISOString();
      const verification: Verification = {
        id: newId('kyv'),
        object: 'customer.verification',
        customer: request.customerId,
        status: 'processing',
        nationality: body.nationality,
        document: { type: body.document.type, number_last4: documentLast4(body.document) },
        phone_last4: last4(body.phone),
        reasons: [],
        sanctions_matches: [],
        decided_at: null,
        decided_by: null,
        resolution: null,
        created_at: now,
        pii_erased_at: null,
      };
      const nextCustomer: Customer = { ...customer.customer, kyc_status: 'processing', verification: verification.id, pii_erased_at: null };
      await deps.dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: deps.tableName, Item: verificationItem({ verification, merchantId: request.merchantId, version: 1, pii }), ConditionExpression: 'attribute_not_exists(pk)' } },
          versionedPut(deps.tableName, customerItem({ ...customer, customer: nextCustomer, version: customer.version + 1 }), customer.version),
          completeIdempotencyItem(deps.tableName, lock, verification),
          ...auditItems(deps.tableName, { merchantId: request.merchantId, actor: merchantKey, action: 'kyc.verification_submitted', object: { type: 'customer.verification', id: verification.id }, at: deps.now() }),
        ],
      }));
      return verification;
    });
  });
  if (verification.status === 'processing') await requestCheck(deps, verification.id);
  return verification;
}

/** Asks kyc-check to decide a verification. Best effort: the sweep re-drives what this misses. */
export async function requestCheck(deps: Pick<CustomerDeps, 'sqs' | 'checkQueueUrl'>, verificationId: string): Promise<void> {
  await deps.sqs
    .send(new SendMessageCommand({ QueueUrl: deps.checkQueueUrl, MessageBody: JSON.stringify({ verification_id: verificationId }) }))
    .catch(() => undefined);
}

function documentLast4(document: CreateVerificationBody['document']): string | null {
  // TD3 line 2 starts with the 9-character document number, padded with <.
  return document.type === 'cn_resident_id' ? last4(document.number) : last4(document.mrz[1].slice(0, 9).replace(/</g, ''));
}

export async function readVerification(deps: TableDeps, verificationId: string): Promise<VerificationRecord | undefined> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: verificationKey(verificationId), ConsistentRead: true }));
  return result.Item ? verificationFromItem(result.Item) : undefined;
}

/** A verification of the merchant's customer; anything else reads as not found. */
export async function getVerification(deps: TableDeps, merchantId: string, customerId: string, verificationId: string): Promise<Verification> {
  const record = await readVerification(deps, verificationId);
  if (!record || record.merchantId !== merchantId || record.verification.customer !== customerId) throw new NotFoundError('verification', verificationId);
  return record.verification;
}

async function customerVerifications(deps: TableDeps, customerId: string): Promise<VerificationRecord[]> {
  const records: VerificationRecord[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await deps.dynamodb.send(new QueryCommand({
      TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': { S: customerVerificationsPartition(customerId) } }, ExclusiveStartKey: start,
    }));
    records.push(...(page.Items ?? []).map(verificationFromItem));
    start = page.LastEvaluatedKey;
  } while (start);
  return records;
}

/**
 * Erases the customer's PII for good: the sealed envelopes (data and encrypted key) and the email
 * are removed, every decision record stays (one still processing is `canceled`). With no data
 * left to re-screen, the customer's KYC status returns to `none` (a rejection stays), so payments
 * above the threshold need a new verification.
 */
export async function eraseCustomerPii(deps: CustomerDeps, merchantId: string, customerId: string): Promise<Customer> {
  return withFreshVersions(`Customer ${customerId}`, () => eraseOnce(deps, merchantId, customerId));
}

async function eraseOnce(deps: CustomerDeps, merchantId: string, customerId: string): Promise<Customer> {
  const customer = await requireCustomer(deps, merchantId, customerId);
  const now = deps.now().toISOString();
  const verifications = (await customerVerifications(deps, customerId)).filter((record) => record.merchantId === merchantId);
  const items: TransactWriteItem[] = verifications
    .filter((record) => record.pii || record.verification.pii_erased_at === null)
    .map((record) => versionedPut(deps.tableName, verificationItem({
      merchantId,
      version: record.version + 1,
      verification: {
        ...record.verification,
        // Nothing is left to decide it from.
        status: record.verification.status === 'processing' ? 'canceled' : record.verification.status,
        pii_erased_at: record.verification.pii_erased_at ?? now,
      },
    }), record.version));
  const nextCustomer: Customer = {
    ...customer.customer, email: null, pii_erased_at: now,
    kyc_status: customer.customer.kyc_status === 'rejected' ? 'rejected' : 'none',
  };
  items.push(versionedPut(deps.tableName, customerItem({ ...customer, customer: nextCustomer, version: customer.version + 1 }), customer.version));
  items.push(...auditItems(deps.tableName, { merchantId, actor: merchantKey, action: 'customer.pii_erased', object: { type: 'customer', id: customerId }, at: deps.now() }));
  await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
  return nextCustomer;
}
