import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { newestFirstPage, NotFoundError, type Page, type PageRequest } from '#platform';
import { getMerchantCharge } from '../charges/query.js';
import type { PaymentDeps } from '../payments/deps.js';
import { chargeRefundsPartition, merchantRefundsPartition, refundFromItem, refundIdKey, refundKey } from './items.js';
import type { Refund } from './schemas.js';

type ReadDeps = Pick<PaymentDeps, 'dynamodb' | 'tableName'>;

/** A merchant's refund by id, read consistently; another merchant's refund is a 404 like a missing one. */
export async function getRefund(deps: ReadDeps, merchantId: string, refundId: string): Promise<Refund> {
  const pointer = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: refundIdKey(refundId), ConsistentRead: true }))).Item;
  if (!pointer || pointer.merchantId?.S !== merchantId) throw new NotFoundError('refund', refundId);
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: refundKey(pointer.chargeId!.S!, refundId), ConsistentRead: true }))).Item;
  if (!item) throw new NotFoundError('refund', refundId);
  return refundFromItem(item);
}

/** A merchant's refunds, newest first. */
export async function listRefunds(deps: ReadDeps, merchantId: string, page: PageRequest): Promise<Page<Refund>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: merchantRefundsPartition(merchantId) }, page, refundFromItem);
}

/** A merchant's charge's refunds, newest first (another merchant's charge is a 404). */
export async function listChargeRefunds(deps: ReadDeps, merchantId: string, chargeId: string, page: PageRequest): Promise<Page<Refund>> {
  await getMerchantCharge(deps, merchantId, chargeId);
  return newestFirstPage(deps, { partition: chargeRefundsPartition(chargeId) }, page, refundFromItem);
}
