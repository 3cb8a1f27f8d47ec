import { GetItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * What an expiry sweep must look at: the items of each gsi2 partition whose sort key (an ISO time
 * first) is before `now`, at most `limit` per partition, each read again consistently, since the
 * index is eventually consistent and a capture or decision may have moved the item meanwhile.
 */
export async function* dueItems(
  deps: { dynamodb: DynamoDBClient; tableName: string }, partitions: readonly string[], now: Date, limit: number,
): AsyncGenerator<Record<string, AttributeValue>> {
  for (const partition of partitions) {
    const due = await deps.dynamodb.send(new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p AND gsi2sk < :now',
      ExpressionAttributeValues: { ':p': { S: partition }, ':now': { S: now.toISOString() } },
      Limit: limit,
    }));
    for (const key of due.Items ?? []) {
      const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: { pk: key.pk!, sk: key.sk! }, ConsistentRead: true }))).Item;
      if (item) yield item;
    }
  }
}
