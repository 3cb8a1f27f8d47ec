import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { newestFirstPage, NotFoundError, type Page, type PageRequest } from '#platform';
import { getMerchantCharge } from '../charges/query.js';
import type { PaymentDeps } from '../payments/deps.js';
import { chargeRefundsPartition, merchantRefundsPartition, refundFromItem } from './items.js';
import type { Refund } from './schemas.js';

type ReadDeps = Pick<PaymentDeps, 'dynamodb' | 'tableName'>;

/** A merchant's refund by id: its own list's index, so another merchant's refund is a 404 like a missing one. */
export async function getRefund(deps: ReadDeps, merchantId: string, refundId: string): Promise<Refund> {
  const result = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND gsi1sk = :id',
    ExpressionAttributeValues: { ':p': { S: merchantRefundsPartition(merchantId) }, ':id': { S: refundId } },
  }));
  const item = result.Items?.[0];
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
