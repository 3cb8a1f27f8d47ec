import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { NotFoundError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { completeIdempotencyItem } from '../idempotency/store.js';
import type { CreateVerificationBody } from '../kyc/schemas.js';
import { idempotently, requireCustomer, type IdempotentRequest } from './customers.js';
import type { CustomerDeps } from './deps.js';
import { CustomerErasingError, CustomerInReviewError, CustomerRejectedError, VerificationProcessingError } from './errors.js';
import {
  customerItem, newVerificationItems, verificationFromItem, verificationKey, versionedPut, withFreshVersions,
  type CustomerRecord, type VerificationRecord,
} from './items.js';
import { last4, sealPii } from './pii.js';
import type { Customer, Verification } from './schemas.js';
import { writeAudited, type AuditActor } from '../audit/index.js';

/** Customers and verifications are created through the merchant API (the key id is not passed down yet). */
const merchantKey: AuditActor = { type: 'api_key', id: null };

type TableDeps = Pick<CustomerDeps, 'dynamodb' | 'tableName'>;

/**
 * Records a verification as `processing`, its PII sealed, in ONE transaction with the customer's
 * new status, the link the erasure finds it by and the idempotency record; then asks kyc-check to
 * decide it. The customer must be free to take one (assertAcceptsVerification), checked on the read
 * the transaction's version guard holds to. If that message is lost
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
      assertAcceptsVerification(customer);
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
      await writeAudited(deps, {
        items: [
          ...newVerificationItems({ verification, merchantId: request.merchantId, pii })
            .map((Item) => ({ Put: { TableName: deps.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
          versionedPut(deps.tableName, customerItem({ ...customer, customer: nextCustomer, version: customer.version + 1 }), customer.version),
          completeIdempotencyItem(deps.tableName, lock, verification),
        ],
        audit: { merchantId: request.merchantId, actor: merchantKey, action: 'kyc.verification_submitted', object: { type: 'customer.verification', id: verification.id }, at: deps.now() },
      });
      return verification;
    });
  });
  if (verification.status === 'processing') await requestCheck(deps, verification.id);
  return verification;
}

/**
 * A customer takes a new verification only when nothing is pending on it: not while held (review
 * or rejected: only the operator releases, so trying again under another name changes nothing),
 * not while one is processing (a later clean submission would otherwise overtake a sanctions
 * match), not while its PII is being erased (the erasure would miss it).
 */
export function assertAcceptsVerification(customer: CustomerRecord): void {
  const { id, kyc_status: status, verification } = customer.customer;
  if (customer.erasingSince) throw new CustomerErasingError(id);
  if (status === 'review') throw new CustomerInReviewError(id);
  if (status === 'rejected') throw new CustomerRejectedError(id);
  if (status === 'processing') throw new VerificationProcessingError(id, verification);
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
