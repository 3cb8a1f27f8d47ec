import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { eventKey, eventRetentionSeconds } from '../events/items.js';
import { newId } from '../ids/index.js';

/** Events for operators rather than merchants (e.g. `liquidity.low`), kept 30 days. */
export function platformEventItem(tableName: string, type: 'liquidity.low', object: Record<string, string>, now: Date): TransactWriteItem {
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
