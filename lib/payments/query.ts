import { BatchGetItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { newestFirstPage, type Page, type PageRequest } from '../aws/pages.js';
import { NotFoundError } from '../errors/index.js';
import { merchantAccount, merchantAccountKey } from '../ledger/accounts.js';
import type { PaymentDeps } from './deps.js';
import { recordFromItem } from './items.js';
import { type Payment } from './schemas.js';
import { eventSchema, type LanepayEvent } from '../events/schemas.js';
import { readPayment } from './settle.js';
import { merchantPaymentsPartition } from './items.js';
import { eventKey, merchantEventsPartition } from '../events/items.js';
import { jsonAttribute, readItem } from '../aws/item.js';
import * as z from 'zod';

type ReadDeps = Pick<PaymentDeps, 'dynamodb' | 'tableName' | 'chains'>;

const storedEventSchema = z.object({ merchantId: z.string().optional(), body: jsonAttribute(eventSchema) });

export async function getPayment(deps: ReadDeps, merchantId: string, paymentId: string): Promise<Payment> {
  return (await readPayment(deps, merchantId, paymentId)).payment;
}

/** Newest first. Ids are time-ordered, so the cursor is the id itself. */
export async function listPayments(deps: ReadDeps, merchantId: string, page: PageRequest): Promise<Page<Payment>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: merchantPaymentsPartition(merchantId) }, page, (item) => recordFromItem(item).payment);
}

export async function listEvents(deps: ReadDeps, merchantId: string, page: PageRequest): Promise<Page<LanepayEvent>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: merchantEventsPartition(merchantId) }, page, (item) => readItem(storedEventSchema, item).body);
}

export async function getEvent(deps: ReadDeps, merchantId: string, eventId: string): Promise<LanepayEvent> {
  const result = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: eventKey(eventId) }),
  );
  const stored = result.Item ? readItem(storedEventSchema, result.Item) : undefined;
  if (!stored || stored.merchantId !== merchantId) throw new NotFoundError('event', eventId);
  return stored.body;
}

export interface Balance {
  asset: string;
  available: string;
  pending: string;
}

/** One entry per asset the platform carries; `pending` is what holds reserve. */
export async function getBalances(deps: ReadDeps, merchantId: string): Promise<Page<Balance>> {
  const assets = deps.chains.assets();
  const result = await deps.dynamodb.send(
    new BatchGetItemCommand({
      RequestItems: {
        [deps.tableName]: {
          Keys: assets.map((asset) => merchantAccountKey(merchantId, asset)),
          ConsistentRead: true,
        },
      },
    }),
  );
  const byAccount = new Map((result.Responses?.[deps.tableName] ?? []).map((item) => [item.accountId?.S, item]));
  const data = assets.map((asset) => {
    const item = byAccount.get(merchantAccount(merchantId, asset));
    return { asset, available: item?.available?.N ?? '0', pending: item?.debitsPending?.N ?? '0' };
  });
  return { object: 'list', data, has_more: false };
}
