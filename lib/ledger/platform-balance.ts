import { paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { accountItemKey, platformAccount, type PlatformAccountName } from './accounts.js';

/**
 * A platform account's posted balance (debits − credits) and what is pending on it, summed over its
 * shards (one consistent query of its partition). For `treasury:<chain>` the posted balance is what
 * the ledger says the Safe holds; the reconciler compares it with the chain.
 */
export async function platformAccountBalance(
  deps: { dynamodb: DynamoDBClient; tableName: string }, name: PlatformAccountName, asset: string,
): Promise<{ postedMinor: bigint; pendingMinor: bigint }> {
  const { pk } = accountItemKey(platformAccount(name, asset), '');
  let postedMinor = 0n;
  let pendingMinor = 0n;
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: pk } },
    ConsistentRead: true,
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const amount = (field: string) => BigInt(item[field]?.N ?? '0');
      postedMinor += amount('debitsPosted') - amount('creditsPosted');
      pendingMinor += amount('debitsPending') - amount('creditsPending');
    }
  }
  return { postedMinor, pendingMinor };
}
