import { paginateQuery } from '@aws-sdk/client-dynamodb';
import type { PlatformEvent } from '#lib/money/payouts/platform-events.js';
import { clients } from './deps.js';

/** The platform events naming a treasury transfer, oldest first (event ids sort by time). */
export async function platformEventsOf(tableName: string, transferId: string): Promise<PlatformEvent[]> {
  const events: PlatformEvent[] = [];
  const pages = paginateQuery({ client: clients().dynamodb }, {
    TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) events.push(JSON.parse(item.body!.S!) as PlatformEvent);
  return events.filter((event) => event.data.object.transfer === transferId).sort((a, b) => a.id.localeCompare(b.id));
}
