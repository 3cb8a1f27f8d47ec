import { GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { DepositStoreDeps } from './deposits.js';
import { dustKey, replaceChargeItem, type WatchedAddress } from './items.js';
import { readChargeRecord } from './query.js';
import { dustSeen } from './state.js';
import { conditionFailedAt } from '../aws/transaction-conflicts.js';

/** The dust one block sent to one watched address: every transfer below the charge's minimum deposit. */
export interface DustBatch {
  watched: WatchedAddress;
  blockNumber: number;
  blockHash: string;
  count: number;
  amountMinor: bigint;
}

/** A dust marker outlives any rescan of its block by far; then it goes. */
const dustMarkerTtlSeconds = 30 * 24 * 3600;
const maxRaces = 8;

/**
 * Books a block's dust to one address on its charge, once: the count and sum are added to the charge
 * and a marker keyed by (chain, block hash, address) is created in the same transaction, so scanning
 * the block again adds nothing. A block's logs are fixed by its hash, so the batch is the same every
 * time it is scanned; a block replaced by a reorg is another hash, and its dust is counted again
 * (dust is never credited, so a count a reorg inflates costs nothing but the number).
 * One write per block and address however many transfers it holds: a flood costs the watcher what
 * the attacker's blocks cost, not what the transfers in them would.
 */
export async function recordDust(deps: DepositStoreDeps, batch: DustBatch): Promise<'recorded' | 'already_recorded'> {
  const key = dustKey(batch.watched.chain, batch.blockHash, batch.watched.address);
  const marker = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }));
  if (marker.Item) return 'already_recorded';
  for (let race = 0; race < maxRaces; race += 1) {
    const charge = await readChargeRecord(deps, batch.watched.chargeId);
    if (!charge) throw new Error(`deposit address ${batch.watched.address} names charge ${batch.watched.chargeId}, which does not exist`);
    const change = dustSeen(charge, batch.count, batch.amountMinor);
    const nowSeconds = Math.floor(deps.now().getTime() / 1000);
    try {
      await deps.dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          replaceChargeItem(deps.tableName, { ...charge, charge: change.charge, version: charge.version + 1 }, charge.version),
          {
            Put: {
              TableName: deps.tableName,
              Item: {
                ...key, entity: { S: 'dust' }, chargeId: { S: charge.charge.id }, blockNumber: { N: String(batch.blockNumber) },
                count: { N: String(batch.count) }, amount: { N: batch.amountMinor.toString() }, ttl: { N: String(nowSeconds + dustMarkerTtlSeconds) },
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }));
      return 'recorded';
    } catch (error) {
      if (conditionFailedAt(error, 1)) return 'already_recorded';
      if (!conditionFailedAt(error, 0)) throw error;
      // The charge changed since it was read (a deposit, the expiry sweep): read it again.
    }
  }
  throw new Error(`could not book dust of block ${batch.blockHash} to ${batch.watched.address} after ${maxRaces} races`);
}
