import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { eventKey, eventRetentionSeconds } from '../events/items.js';
import { newId } from '../ids/index.js';

export type PlatformEventType = 'liquidity.low' | 'liquidity.forecast_shortfall';

/**
 * Events for operators rather than merchants, kept 30 days: `liquidity.low` (a payout waits for
 * funds) and `liquidity.forecast_shortfall` (the forecast job expects a hot wallet to run dry).
 */
export function platformEventItem(tableName: string, type: PlatformEventType, object: Record<string, string>, now: Date): TransactWriteItem {
  const event = { id: newId('evt'), object: 'event', type, created_at: now.toISOString(), data: { object } };
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...eventKey(event.id),
        entity: { S: 'platform-event' },
        type: { S: type },
        body: { S: JSON.stringify(event) },
        gsi1pk: { S: 'PLATFORM#EVENTS' },
        gsi1sk: { S: event.id },
        ttl: { N: String(Math.floor(now.getTime() / 1000) + eventRetentionSeconds) },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
