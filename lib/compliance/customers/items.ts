import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { merchantListPartition } from '#merchants';
import { ConcurrentChangeError, isConditionRefusal, jsonAttribute, readItem } from '#platform';
import type { SealedPii } from './pii.js';
import { customerSchema, verificationSchema, type Customer, type Verification } from './schemas.js';

/**
 * The one module that spells customer and verification keys. A customer's key names its merchant,
 * so another merchant's id simply finds nothing. Sparse gsi2 partitions list what the schedule
 * works on: approved customers (re-screening) and verifications still processing (the sweep).
 */
export const approvedPartition = 'KYC#APPROVED';
export const processingPartition = 'KYC#PROCESSING';
/**
 * Verifications the platform operator may resolve (in `review`, or `rejected` by the system): the
 * queue GET /v1/kyc/reviews reads, oldest first. A verification leaves it when resolved. Those
 * written before this index existed are not in it until they are written again.
 */
export const resolvablePartition = 'KYC#RESOLVABLE';

export function customerKey(merchantId: string, customerId: string): Record<string, AttributeValue> {
  return { pk: { S: `CUSTOMER#${merchantId}#${customerId}` }, sk: { S: 'CUSTOMER' } };
}

export function customerListPartition(merchantId: string): string {
  return merchantListPartition(merchantId, 'CUSTOMERS');
}

export function customerVerificationsPartition(customerId: string): string {
  return `CUSTOMER#${customerId}#VERIFICATIONS`;
}

export function verificationKey(id: string): Record<string, AttributeValue> {
  return { pk: { S: `KYV#${id}` }, sk: { S: 'KYV' } };
}

/** The id of the verification an item (or an index entry of one) belongs to, read from its key. */
export function verificationIdOfKeys(keys: Record<string, AttributeValue>): string {
  return readItem(z.object({ pk: z.string() }), keys).pk.replace(/^KYV#/, '');
}

/** The customer an entry of the approved-customers index (gsi2, keys only) names. */
export function approvedCustomerOfKeys(keys: Record<string, AttributeValue>): { merchantId: string; customerId: string } {
  const [merchantId, customerId] = readItem(z.object({ gsi2sk: z.string() }), keys).gsi2sk.split('#') as [string, string];
  return { merchantId, customerId };
}

/**
 * A link to one of the customer's verifications whose PII is not yet erased, in the customer's own
 * partition: a strongly consistent Query lists them (gsi1 may lag), so an erasure finds a
 * verification written a moment before it. The erasure deletes each link with the PII it points to.
 */
export function verificationLinkKey(merchantId: string, customerId: string, verificationId: string): Record<string, AttributeValue> {
  return { pk: customerKey(merchantId, customerId).pk!, sk: { S: `${verificationLinkPrefix}${verificationId}` } };
}

export const verificationLinkPrefix = 'KYV#';

export function verificationLinkItem(merchantId: string, customerId: string, verificationId: string): Record<string, AttributeValue> {
  return { ...verificationLinkKey(merchantId, customerId, verificationId), entity: { S: 'kyc_verification_link' }, verificationId: { S: verificationId } };
}

/** What a new verification writes besides the customer: the verification (version 1) and its link. */
export function newVerificationItems(record: Omit<VerificationRecord, 'version'>): Record<string, AttributeValue>[] {
  return [verificationItem({ ...record, version: 1 }), verificationLinkItem(record.merchantId, record.verification.customer, record.verification.id)];
}

/** The register of one identity document of a merchant's customers, keyed by its keyed digest (lib/compliance/customers/documents.ts). */
export function documentRegisterKey(documentDigest: string): Record<string, AttributeValue> {
  return { pk: { S: `KYCDOC#${documentDigest}` }, sk: { S: 'DOCUMENT' } };
}

export interface CustomerRecord {
  customer: Customer;
  merchantId: string;
  version: number;
  /** The list version the customer was last screened against (re-screening skips those current). */
  screenedListVersion?: string | undefined;
  /** Set while the customer's PII is being erased (lib/compliance/customers/erasure.ts): no verification may be added. */
  erasingSince?: string | undefined;
}

export function customerItem(record: CustomerRecord): Record<string, AttributeValue> {
  const { customer } = record;
  const item: Record<string, AttributeValue> = {
    ...customerKey(record.merchantId, customer.id),
    entity: { S: 'customer' },
    merchantId: { S: record.merchantId },
    customerId: { S: customer.id },
    kycStatus: { S: customer.kyc_status },
    version: { N: String(record.version) },
    object: { S: JSON.stringify(customer) },
    gsi1pk: { S: customerListPartition(record.merchantId) },
    gsi1sk: { S: customer.id },
  };
  if (record.screenedListVersion) item.screenedListVersion = { S: record.screenedListVersion };
  if (record.erasingSince) item.erasingSince = { S: record.erasingSince };
  if (customer.kyc_status === 'approved') {
    item.gsi2pk = { S: approvedPartition };
    item.gsi2sk = { S: `${record.merchantId}#${customer.id}` };
  }
  return item;
}

const storedCustomerSchema = z.object({
  object: jsonAttribute(customerSchema),
  merchantId: z.string(),
  version: z.number(),
  screenedListVersion: z.string().optional(),
  erasingSince: z.string().optional(),
});

export function customerFromItem(item: Record<string, AttributeValue>): CustomerRecord {
  const { object, ...record } = readItem(storedCustomerSchema, item);
  return { customer: object, ...record };
}

export interface VerificationRecord {
  verification: Verification;
  merchantId: string;
  version: number;
  /** Absent once erased. */
  pii?: SealedPii | undefined;
}

export function verificationItem(record: VerificationRecord): Record<string, AttributeValue> {
  const { verification } = record;
  const item: Record<string, AttributeValue> = {
    ...verificationKey(verification.id),
    entity: { S: 'kyc_verification' },
    merchantId: { S: record.merchantId },
    customerId: { S: verification.customer },
    status: { S: verification.status },
    version: { N: String(record.version) },
    object: { S: JSON.stringify(verification) },
    gsi1pk: { S: customerVerificationsPartition(verification.customer) },
    gsi1sk: { S: verification.id },
  };
  if (record.pii) item.pii = { M: { key: { S: record.pii.key }, iv: { S: record.pii.iv }, tag: { S: record.pii.tag }, data: { S: record.pii.data } } };
  if (verification.status === 'processing') {
    item.gsi2pk = { S: processingPartition };
    item.gsi2sk = { S: `${verification.created_at}#${verification.id}` };
  } else if (isResolvable(verification)) {
    item.gsi2pk = { S: resolvablePartition };
    item.gsi2sk = { S: `${verification.created_at}#${verification.id}` };
  }
  return item;
}

/** In `review`, or `rejected` by the system (never by the operator): what the operator's resolution applies to. */
export function isResolvable(verification: Pick<Verification, 'status' | 'decided_by'>): boolean {
  return verification.status === 'review' || (verification.status === 'rejected' && verification.decided_by === 'system');
}

const storedVerificationSchema = z.object({
  object: jsonAttribute(verificationSchema),
  merchantId: z.string(),
  version: z.number(),
  /** Absent once erased. */
  pii: z.object({ key: z.string(), iv: z.string(), tag: z.string(), data: z.string() }).optional(),
});

export function verificationFromItem(item: Record<string, AttributeValue>): VerificationRecord {
  const { object, ...record } = readItem(storedVerificationSchema, item);
  return { verification: object, ...record };
}

/** A Put replacing a record only if nobody changed it since it was read. */
export function versionedPut(tableName: string, item: Record<string, AttributeValue>, expectedVersion: number) {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': { N: String(expectedVersion) } },
    },
  };
}

/**
 * Runs a read-modify-write whose writes are guarded by item versions again when another writer
 * changed an item between the read and the write (a verification decided, a second request for
 * the same customer). Past `attempts`, the caller is told to retry (409), never a 500.
 */
export async function withFreshVersions<T>(what: string, run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!isConditionRefusal(error)) throw error;
      if (attempt >= attempts) throw new ConcurrentChangeError(`${what} changed while this request ran; send it again.`, { cause: error });
    }
  }
}

/**
 * A condition for another transaction (a payment's): the customer's KYC status is still the one
 * its gate was decided on, so a customer moved to review meanwhile cannot be paid on a stale read.
 */
export function kycStatusUnchanged(tableName: string, merchantId: string, customerId: string, kycStatus: string): TransactWriteItem {
  return {
    ConditionCheck: {
      TableName: tableName, Key: customerKey(merchantId, customerId),
      ConditionExpression: 'kycStatus = :status', ExpressionAttributeValues: { ':status': { S: kycStatus } },
    },
  };
}

export function isCustomerKey(key: Record<string, AttributeValue> | undefined): boolean {
  return key?.pk?.S?.startsWith('CUSTOMER#') === true && key.sk?.S === 'CUSTOMER';
}
