import { TransactGetItemsCommand, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PayoutDeps } from './deps.js';

type Key = Record<string, AttributeValue>;
export type Item = Record<string, AttributeValue>;

const itemsPerRead = 100;
const conflictRetries = 5;

export const keyString = (key: Key) => `${key.pk!.S}|${key.sk!.S}`;

/**
 * Many items in one round trip, as of one moment: TransactGetItems (up to 100 items, always
 * consistent, authorized as GetItem per item, so the payout roles need no new action). A read
 * that meets a transaction writing one of its items is cancelled (TransactionConflict) and is
 * read again. Keyed by `pk|sk`; items that do not exist are absent.
 */
export async function readItems(deps: Pick<PayoutDeps, 'dynamodb' | 'tableName'>, keys: Key[]): Promise<Map<string, Item>> {
  const unique = [...new Map(keys.map((key) => [keyString(key), key])).values()];
  const found = new Map<string, Item>();
  for (let start = 0; start < unique.length; start += itemsPerRead) {
    const chunk = unique.slice(start, start + itemsPerRead);
    const items = await readChunk(deps, chunk);
    items.forEach((item, i) => { if (item) found.set(keyString(chunk[i]!), item); });
  }
  return found;
}

async function readChunk(deps: Pick<PayoutDeps, 'dynamodb' | 'tableName'>, keys: Key[], attempt = 1): Promise<(Item | undefined)[]> {
  try {
    const { Responses = [] } = await deps.dynamodb.send(new TransactGetItemsCommand({
      TransactItems: keys.map((Key) => ({ Get: { TableName: deps.tableName, Key } })),
    }));
    return keys.map((_, i) => Responses[i]?.Item);
  } catch (error) {
    if (!(error instanceof TransactionCanceledException) || attempt >= conflictRetries) throw error;
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 20));
    return readChunk(deps, keys, attempt + 1);
  }
}
