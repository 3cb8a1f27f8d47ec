import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { accountPartitionKey, platformAccount, platformShardCount, type PlatformAccountName } from './accounts.js';

/**
 * A platform account's balance in minor units of `asset`, summed over its shards (one Query of the
 * account's partition: at most `platformShardCount` items, however many transfers it took).
 * Platform accounts that hold money (`hotwallet:<chain>`, `treasury:<chain>`, `in_transit:*`) grow
 * by debits: the balance is debits − credits, posted and pending apart.
 */
export async function platformAccountBalance(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  name: PlatformAccountName,
  asset: string,
): Promise<{ postedMinor: bigint; pendingMinor: bigint }> {
  const { Items } = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: accountPartitionKey(platformAccount(name, asset)) } },
    ProjectionExpression: 'debitsPosted, creditsPosted, debitsPending, creditsPending',
    ConsistentRead: true,
    Limit: platformShardCount,
  }));
  const amount = (item: (typeof Items & object)[number], field: string) => BigInt(item[field]?.N ?? '0');
  let postedMinor = 0n;
  let pendingMinor = 0n;
  for (const item of Items ?? []) {
    postedMinor += amount(item, 'debitsPosted') - amount(item, 'creditsPosted');
    pendingMinor += amount(item, 'debitsPending') - amount(item, 'creditsPending');
  }
  return { postedMinor, pendingMinor };
}
