import { GetItemCommand, paginateQuery, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ReconcileDeps } from './deps.js';

/**
 * The table keys in a sparse gsi2 partition whose sort key (`<ISO time>#<id>`) is before `before`:
 * the reconciler's way to find old items without a scan. gsi2 is KEYS_ONLY, so each is then read.
 */
export async function* keysBefore(deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName'>, partition: string, before: Date) {
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :before',
    ExpressionAttributeValues: { ':p': { S: partition }, ':before': { S: before.toISOString() } },
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) yield { pk: item.pk!, sk: item.sk! };
  }
}

/** The item now (an index lags its table a little, so it is read, consistently, before acting). */
export async function readByKey(deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName'>, key: Record<string, AttributeValue>) {
  return (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }))).Item;
}
