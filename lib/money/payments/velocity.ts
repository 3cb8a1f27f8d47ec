import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';

/**
 * Daily volume counters, updated in the same transaction as the hold. The condition compares the
 * running total with `limit - amount`, computed here because condition expressions cannot add.
 */
export type VelocityScope = 'merchant' | 'destination';

export function velocityKey(scope: VelocityScope, parts: { merchantId: string; asset: string; destination: string; day: string }): string {
  return scope === 'merchant'
    ? `VELOCITY#M#${parts.merchantId}#${parts.asset}#${parts.day}`
    : `VELOCITY#D#${parts.merchantId}#${parts.asset}#${parts.destination.toLowerCase()}#${parts.day}`;
}

export function velocityItem(tableName: string, pk: string, amountMinor: bigint, limitMinor: bigint, now: Date): TransactWriteItem {
  const ceilingMinor = limitMinor - amountMinor;
  return {
    Update: {
      TableName: tableName,
      Key: { pk: { S: pk }, sk: { S: 'VELOCITY' } },
      UpdateExpression: 'ADD volume :amount SET entity = :entity, #ttl = if_not_exists(#ttl, :ttl)',
      ConditionExpression: 'attribute_not_exists(volume) OR volume <= :ceiling',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':amount': { N: amountMinor.toString() },
        ':ceiling': { N: ceilingMinor.toString() },
        ':entity': { S: 'velocity' },
        ':ttl': { N: String(Math.floor(now.getTime() / 1000) + 3 * 24 * 3600) },
      },
    },
  };
}

export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}
