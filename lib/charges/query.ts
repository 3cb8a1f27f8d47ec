import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { NotFoundError } from '../errors/index.js';
import { newestFirstPage, type Page, type PageRequest } from '../aws/pages.js';
import type { ChargeDeps } from './deps.js';
import { chargeDepositKey, chargeDepositSkPrefix, chargeKey, chargeRecordFromItem, merchantChargesPartition, type ChargeRecord } from './items.js';
import { depositSchema, type Charge, type Deposit } from './schemas.js';
import { jsonAttribute, readItem } from '../aws/item.js';
import * as z from 'zod';

type ReadDeps = Pick<ChargeDeps, 'dynamodb' | 'tableName'>;

const listedDepositSchema = z.object({ object: jsonAttribute(depositSchema) });

/** The charge and its bookkeeping, read consistently; undefined when there is none. */
export async function readChargeRecord(deps: ReadDeps, chargeId: string): Promise<ChargeRecord | undefined> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: chargeKey(chargeId), ConsistentRead: true }));
  return result.Item ? chargeRecordFromItem(result.Item) : undefined;
}

/**
 * A charge by id, whoever owns it: for the hosted checkout page, which is reached by the charge id
 * alone (the id is unguessable, and the page shows nothing a payer does not need).
 */
export async function getCharge(deps: ReadDeps, chargeId: string): Promise<Charge> {
  const record = await readChargeRecord(deps, chargeId);
  if (!record) throw new NotFoundError('charge', chargeId);
  return record.charge;
}

/** A merchant's charge; another merchant's charge is reported exactly like a missing one (404). */
export async function getMerchantCharge(deps: ReadDeps, merchantId: string, chargeId: string): Promise<ChargeRecord> {
  const record = await readChargeRecord(deps, chargeId);
  if (!record || record.merchantId !== merchantId) throw new NotFoundError('charge', chargeId);
  return record;
}

/** Newest first; ids are time-ordered, so the cursor is the id itself. */
export async function listCharges(deps: ReadDeps, merchantId: string, page: PageRequest): Promise<Page<Charge>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: merchantChargesPartition(merchantId) }, page, (item) => chargeRecordFromItem(item).charge);
}

/**
 * A merchant's charge's deposits, newest first (deposit ids are time-ordered: the order the watcher
 * first recorded them), `starting_after` a deposit id. Dust is not listed: the charge counts it.
 */
export async function listChargeDeposits(deps: ReadDeps, merchantId: string, chargeId: string, page: PageRequest): Promise<Page<Deposit>> {
  await getMerchantCharge(deps, merchantId, chargeId);
  const { pk } = chargeKey(chargeId);
  // The charge itself (sk `CHARGE`) sorts below every `DEPOSIT#`, so the range starts there; BETWEEN
  // includes the cursor, which is dropped (one more item is asked for it).
  const after = page.startingAfter ? chargeDepositKey(chargeId, page.startingAfter).sk : undefined;
  const result = await deps.dynamodb.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: after ? 'pk = :pk AND sk BETWEEN :first AND :after' : 'pk = :pk AND begins_with(sk, :first)',
      ExpressionAttributeValues: { ':pk': pk, ':first': { S: chargeDepositSkPrefix }, ...(after ? { ':after': after } : {}) },
      ScanIndexForward: false,
      Limit: page.limit + (after ? 2 : 1),
    }),
  );
  const items = (result.Items ?? []).filter((item) => item.sk?.S !== after?.S);
  return { object: 'list', data: items.slice(0, page.limit).map((item) => readItem(listedDepositSchema, item).object), has_more: items.length > page.limit };
}
