import { ConditionalCheckFailedException, GetItemCommand, paginateQuery, PutItemCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { eventRetentionSeconds } from '#merchants';
import { nonceKey, platformEventItem } from '#money';
import { conditionFailedAt } from '#platform';
import type { ReconcileDeps } from './deps.js';
import type { DiscrepancyKind, Finding } from './findings.js';

/** The reconciler's own bookkeeping, each item under RECONCILE#...: markers live as long as events. */
export const redriveKey = (paymentId: string) => ({ pk: { S: `RECONCILE#REDRIVE#${paymentId}` }, sk: { S: 'REDRIVE' } });
export const raisedKey = (kind: string, subject: string) => ({ pk: { S: `RECONCILE#RAISED#${kind}#${subject}` }, sk: { S: 'RAISED' } });
export const cursorKey = (chain: string, wallet: string) => ({ pk: { S: `RECONCILE#CURSOR#${chain}#${wallet.toLowerCase()}` }, sk: { S: 'CURSOR' } });

const ttl = (now: Date): AttributeValue => ({ N: String(Math.floor(now.getTime() / 1000) + eventRetentionSeconds) });

/**
 * Each nonce item Lanepay wrote for the wallet (NONCE#<chain>#<wallet>, one per nonce it took) past
 * `fromNonce`, in nonce order, read consistently: the settled-payout pass and the hot-wallet
 * comparison both walk them from the wallet's cursor.
 */
export async function* nonceItemsAfter(
  deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName'>, chain: string, wallet: string, fromNonce: number,
): AsyncGenerator<Record<string, AttributeValue>> {
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    KeyConditionExpression: 'pk = :pk AND sk > :from',
    ExpressionAttributeValues: { ':pk': nonceKey(chain, wallet, 0).pk, ':from': nonceKey(chain, wallet, fromNonce).sk },
    ConsistentRead: true,
  });
  for await (const page of pages) yield* page.Items ?? [];
}

/** When the reconciler last re-drove this payment's payout, if it did. */
export async function readRedrive(deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName'>, paymentId: string): Promise<number | undefined> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: redriveKey(paymentId), ConsistentRead: true }))).Item;
  return item?.atMs?.N ? Number(item.atMs.N) : undefined;
}

/** Claims the one re-drive a payout gets; false when another run claimed it first. */
export async function claimRedrive(deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName' | 'now'>, paymentId: string): Promise<boolean> {
  const now = deps.now();
  try {
    await deps.dynamodb.send(new PutItemCommand({
      TableName: deps.tableName,
      Item: { ...redriveKey(paymentId), entity: { S: 'reconcile-redrive' }, atMs: { N: String(now.getTime()) }, ttl: ttl(now) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Raises a discrepancy: the `reconcile.discrepancy` platform event and a marker, in one
 * transaction, so each discrepancy is announced once however many runs see it. Returns whether
 * this call announced it.
 */
export async function raiseOnce(deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName' | 'now'>, finding: Finding<DiscrepancyKind>): Promise<boolean> {
  const now = deps.now();
  const object = { kind: finding.kind, subject: finding.subject, detail: finding.detail, ...(finding.chain ? { chain: finding.chain } : {}) };
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: deps.tableName,
            Item: { ...raisedKey(finding.kind, finding.subject), entity: { S: 'reconcile-raised' }, atMs: { N: String(now.getTime()) }, ttl: ttl(now) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        platformEventItem(deps.tableName, 'reconcile.discrepancy', object, now),
      ],
    }));
    return true;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return false;
    throw error;
  }
}

/** The highest nonce of a wallet whose settled payout was compared with the chain (-1: none yet). */
export async function readCursor(deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName'>, chain: string, wallet: string): Promise<number> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: cursorKey(chain, wallet), ConsistentRead: true }))).Item;
  return item?.verifiedNonce?.N ? Number(item.verifiedNonce.N) : -1;
}

export async function writeCursor(deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName'>, chain: string, wallet: string, nonce: number): Promise<void> {
  await deps.dynamodb.send(new PutItemCommand({
    TableName: deps.tableName,
    Item: { ...cursorKey(chain, wallet), entity: { S: 'reconcile-cursor' }, verifiedNonce: { N: String(nonce) } },
    // Two runs at once: the further cursor wins.
    ConditionExpression: 'attribute_not_exists(pk) OR verifiedNonce < :n',
    ExpressionAttributeValues: { ':n': { N: String(nonce) } },
  })).catch((error: unknown) => {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  });
}
