import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { newestFirstPage, type Page, type PageRequest } from '../aws/pages.js';
import { NotFoundError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { acquireIdempotencyKey, completeIdempotencyItem, releaseIdempotencyKey, type IdempotencyLock } from '../idempotency/store.js';
import type { CustomerDeps } from './deps.js';
import { customerFromItem, customerItem, customerKey, customerListPartition, type CustomerRecord } from './items.js';
import type { CreateCustomerBody, Customer } from './schemas.js';
import { writeAudited } from '../audit/index.js';

type TableDeps = Pick<CustomerDeps, 'dynamodb' | 'tableName'>;

export interface IdempotentRequest {
  merchantId: string;
  idempotencyKey: string;
  fingerprint: string;
}

/**
 * Runs `write` under the request's Idempotency-Key, as payments do: a replay returns the first
 * result; `write` must put completeIdempotencyItem(lock, result) in its own transaction.
 */
export async function idempotently<T>(deps: CustomerDeps, request: IdempotentRequest, write: (lock: IdempotencyLock) => Promise<T>): Promise<T> {
  const acquired = await acquireIdempotencyKey(deps, {
    merchantId: request.merchantId, key: request.idempotencyKey, fingerprint: request.fingerprint, nowMs: deps.now().getTime(),
  });
  if (acquired.outcome === 'replay') return acquired.result as T;
  try {
    return await write(acquired.lock);
  } catch (error) {
    await releaseIdempotencyKey(deps, acquired.lock);
    throw error;
  }
}

/** Creates a customer (KYC status `none`) with the customer item and the idempotency record in one transaction. */
export async function createCustomer(deps: CustomerDeps, request: IdempotentRequest & { body: CreateCustomerBody }): Promise<Customer> {
  return idempotently(deps, request, async (lock) => {
    const customer: Customer = {
      id: newId('cus'),
      object: 'customer',
      external_id: request.body.external_id ?? null,
      email: request.body.email ?? null,
      metadata: request.body.metadata ?? {},
      kyc_status: 'none',
      verification: null,
      created_at: deps.now().toISOString(),
      pii_erased_at: null,
    };
    await writeAudited(deps, {
      items: [
        { Put: { TableName: deps.tableName, Item: customerItem({ customer, merchantId: request.merchantId, version: 1 }), ConditionExpression: 'attribute_not_exists(pk)' } },
        completeIdempotencyItem(deps.tableName, lock, customer),
      ],
      audit: { merchantId: request.merchantId, actor: { type: 'api_key', id: null }, action: 'customer.created', object: { type: 'customer', id: customer.id }, at: deps.now() },
    });
    return customer;
  });
}

/** The customer record if it belongs to the merchant; another merchant's id reads as not found. */
export async function readCustomer(deps: TableDeps, merchantId: string, customerId: string): Promise<CustomerRecord | undefined> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: customerKey(merchantId, customerId), ConsistentRead: true }));
  return result.Item ? customerFromItem(result.Item) : undefined;
}

export async function requireCustomer(deps: TableDeps, merchantId: string, customerId: string): Promise<CustomerRecord> {
  const record = await readCustomer(deps, merchantId, customerId);
  if (!record) throw new NotFoundError('customer', customerId);
  return record;
}

export async function getCustomer(deps: TableDeps, merchantId: string, customerId: string): Promise<Customer> {
  return (await requireCustomer(deps, merchantId, customerId)).customer;
}

/** Newest first; ids are time-ordered, so the cursor is the id. */
export async function listCustomers(deps: TableDeps, merchantId: string, page: PageRequest): Promise<Page<Customer>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: customerListPartition(merchantId) }, page, (item) => customerFromItem(item).customer);
}
