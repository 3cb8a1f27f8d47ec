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
  const totals = await platformAccountTotals(deps, name, asset);
  return { postedMinor: totals.debitsPosted - totals.creditsPosted, pendingMinor: totals.debitsPending - totals.creditsPending };
}

/** A platform account's four running sums, over its shards. */
export interface PlatformAccountTotals {
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
}

/**
 * The account's running sums in minor units of `asset`, summed over its shards (one Query of its
 * partition). The posted sums only ever grow (every transfer moves a positive amount), so two reads
 * that agree on them saw no posting in between: what a reader comparing the account with the world
 * outside checks before and after it looks. (Pending sums move both ways: a void takes back.)
 */
export async function platformAccountTotals(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  name: PlatformAccountName,
  asset: string,
): Promise<PlatformAccountTotals> {
  const { Items } = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: accountPartitionKey(platformAccount(name, asset)) } },
    ProjectionExpression: 'debitsPosted, creditsPosted, debitsPending, creditsPending',
    ConsistentRead: true,
    Limit: platformShardCount,
  }));
  const totals: PlatformAccountTotals = { debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n };
  for (const item of Items ?? []) {
    for (const field of Object.keys(totals) as (keyof PlatformAccountTotals)[]) totals[field] += BigInt(item[field]?.N ?? '0');
  }
  return totals;
}
