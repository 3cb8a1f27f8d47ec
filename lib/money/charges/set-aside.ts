import { TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ChainUnavailableError } from '#chains';
import { conditionFailedAt, ContentionError } from '#platform';
import { platformEventItem } from '../payouts/platform-events.js';
import type { DepositStoreDeps, SeenTransfer } from './deposits.js';
import type { DustBatch } from './dust.js';
import { setAsideKey } from './items.js';

/** What the watcher could not book: a deposit (`<tx>#<log index>`) or a block's dust to one address. */
export interface Unbookable {
  chain: string;
  /** `<tx hash>#<log index>`, or `dust#<block hash>#<address>`. */
  what: string;
  /** Where it is and whose it is, for the operator: chain ids, hashes, amounts; no personal data. */
  details: Record<string, string>;
}

const throttling = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TimeoutError']);
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether an error says a dependency is down for now (the chain, DynamoDB): then the pass fails
 * and the next one scans the same blocks again. Anything else (a ValidationException, a charge
 * that does not exist) says this one log cannot be booked however often it is tried.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof ChainUnavailableError) return true;
  // Lanepay's own "try again": a booking's transaction (the audit writer's, say) kept meeting
  // concurrent writes past its retries. Nothing was written; the next pass books it. Setting it aside
  // left a paid charge uncredited until an operator moved the cursor back (seen after a DynamoDB
  // freeze in the chaos run, when the backlog of writers met on one merchant's audit lane).
  if (error instanceof ContentionError) return true;
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((r) => r.Code === 'ThrottlingError' || r.Code === 'TransactionConflict');
  }
  if (!(error instanceof Error)) return false;
  const sdk = error as Error & { $retryable?: unknown; $fault?: string; code?: string };
  return Boolean(sdk.$retryable) || sdk.$fault === 'server' || throttling.has(sdk.name) || unreachable.has(sdk.code ?? '');
}

/**
 * Sets a log aside so the watcher can go on: a record of it and a `deposit.set_aside` platform
 * event (the outbox relay publishes it to the alerts topic) in one transaction, once per log. The
 * log is not credited; an operator looks at the event, mends the cause and moves the chain's
 * cursor back to its block (every step of the watcher is idempotent), which books it.
 */
export async function setAside(deps: DepositStoreDeps, log: Unbookable, error: unknown): Promise<'set_aside' | 'already_set_aside'> {
  const now = deps.now();
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const object = { chain: log.chain, ...log.details, reason: reason.slice(0, 500) };
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: deps.tableName,
            Item: { ...setAsideKey(log.chain, log.what), entity: { S: 'set-aside-log' }, object: { S: JSON.stringify(object) }, createdAt: { S: now.toISOString() } },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        platformEventItem(deps.tableName, 'deposit.set_aside', object, now),
      ],
    }));
    return 'set_aside';
  } catch (failure) {
    if (conditionFailedAt(failure, 0)) return 'already_set_aside';
    throw failure;
  }
}

/** A deposit as the set-aside record and its alert describe it. */
export function unbookableDeposit(seen: SeenTransfer): Unbookable {
  return {
    chain: seen.watched.chain, what: `${seen.txHash}#${seen.logIndex}`,
    details: {
      tx_hash: seen.txHash.toLowerCase(), log_index: String(seen.logIndex), block_number: String(seen.blockNumber), block_hash: seen.blockHash.toLowerCase(),
      deposit_address: seen.watched.address, charge: seen.watched.chargeId, merchant: seen.watched.merchantId, asset: seen.watched.asset, amount: seen.amountMinor.toString(),
    },
  };
}

/** A block's dust to one address as the set-aside record and its alert describe it. */
export function unbookableDust(batch: DustBatch): Unbookable {
  return {
    chain: batch.watched.chain, what: `dust#${batch.blockHash}#${batch.watched.address}`,
    details: {
      dust_transfers: String(batch.count), block_number: String(batch.blockNumber), block_hash: batch.blockHash,
      deposit_address: batch.watched.address, charge: batch.watched.chargeId, merchant: batch.watched.merchantId, asset: batch.watched.asset, amount: batch.amountMinor.toString(),
    },
  };
}
