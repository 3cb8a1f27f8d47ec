import { BatchGetItemCommand, type AttributeValue, type BatchGetItemCommandOutput, type DynamoDBClient, type KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { depositAddressKey, watchedFromIndexKeys, type WatchedAddress } from './items.js';

/** BatchGetItem's most keys a request. */
const maxKeysPerBatch = 100;

/**
 * The watched addresses among `recipients` (lowercase), read from their deposit-address items: the
 * work grows with the distinct recipients of the transfers scanned, not with the open charges. An
 * address whose late window has passed is not watched any more. Consistent reads: a charge opened
 * just before it was paid is found, where an index read could lag and the cursor pass it by.
 */
export async function lookupWatched(deps: { dynamodb: DynamoDBClient; tableName: string; now: () => Date }, chain: string, recipients: Iterable<string>): Promise<Map<string, WatchedAddress>> {
  const watched = new Map<string, WatchedAddress>();
  const nowIso = deps.now().toISOString();
  const addresses = [...new Set(recipients)];
  for (let i = 0; i < addresses.length; i += maxKeysPerBatch) {
    let request: Record<string, KeysAndAttributes> | undefined = {
      [deps.tableName]: {
        Keys: addresses.slice(i, i + maxKeysPerBatch).map((address) => depositAddressKey(chain, address)),
        ProjectionExpression: 'pk, gsi2sk',
        ConsistentRead: true,
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
      // Keys left unprocessed mean throttling: back off a little before asking for them again.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 1_000)));
      const result: BatchGetItemCommandOutput = await deps.dynamodb.send(new BatchGetItemCommand({ RequestItems: request }));
      for (const item of result.Responses?.[deps.tableName] ?? []) addIfWatched(watched, chain, item, nowIso);
      request = result.UnprocessedKeys;
    }
  }
  return watched;
}

function addIfWatched(watched: Map<string, WatchedAddress>, chain: string, item: Record<string, AttributeValue>, nowIso: string): void {
  const watchUntil = item.gsi2sk?.S?.split('#')[0];
  if (watchUntil === undefined || watchUntil < nowIso) return;
  const entry = watchedFromIndexKeys(chain, item);
  watched.set(entry.address, entry);
}
