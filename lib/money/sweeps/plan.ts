import { QueryCommand, TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { newId } from '#platform';
import { depositFromItem, type DepositRecord } from '../charges/deposits.js';
import { depositKey, unsweptPartition } from '../charges/items.js';
import type { PayoutDeps } from '../payouts/deps.js';
import { hotWalletGroup } from '../payouts/items.js';
import { sweepItem, type Sweep } from './items.js';

/** A transaction holds at most 100 items: the sweep and 99 deposits. */
const maxDepositsPerSweep = 99;

export interface SweepQueueDeps extends Pick<PayoutDeps, 'dynamodb' | 'sqs' | 'tableName' | 'now'> {
  /** The chain-submit FIFO queue: sweeps queue behind the chain's payouts, in one message group. */
  chainSubmitQueueUrl: string;
}

/**
 * Plans a sweep of the chain's credited, unswept deposits of one asset: the sweep record and every
 * deposit's claim on it in one transaction (a deposit is claimed by one sweep only), then a message
 * to chain-submit in the chain's message group, so its nonce is taken in line with payouts.
 * Returns the sweep, or undefined when there is nothing to sweep.
 */
export async function planSweep(deps: SweepQueueDeps, chain: string, asset: string): Promise<Sweep | undefined> {
  const result = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': { S: unsweptPartition(chain) } },
    Limit: maxDepositsPerSweep,
  }));
  const deposits: DepositRecord[] = (result.Items ?? []).map(depositFromItem).filter((d) => d.asset === asset && d.status === 'credited' && !d.sweepId);
  if (deposits.length === 0) return undefined;
  const sweep: Sweep = {
    id: `swp_${newId('trf').slice(4)}`, chain, asset,
    chargeIds: [...new Set(deposits.map((d) => d.chargeId))],
    deposits: deposits.map((d) => `${d.txHash}#${d.logIndex}`),
    amountMinor: deposits.reduce((total, d) => total + d.amountMinor, 0n),
    status: 'requested', attempts: [], version: 1, createdAtMs: deps.now().getTime(),
  };
  const items: TransactWriteItem[] = [
    { Put: { TableName: deps.tableName, Item: sweepItem(sweep), ConditionExpression: 'attribute_not_exists(pk)' } },
    ...deposits.map((d) => ({
      Update: {
        TableName: deps.tableName,
        Key: depositKey(d.chain, d.txHash, d.logIndex),
        UpdateExpression: 'SET sweepId = :sweep, version = version + :one REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#status = :credited AND attribute_not_exists(sweepId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sweep': { S: sweep.id }, ':one': { N: '1' }, ':credited': { S: 'credited' } },
      },
    })),
  ];
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) return undefined; // another planner claimed some first; the next run plans again
    throw error;
  }
  await deps.sqs.send(new SendMessageCommand({
    QueueUrl: deps.chainSubmitQueueUrl,
    MessageBody: JSON.stringify({ type: 'sweep.requested', sweepId: sweep.id, chain }),
    MessageGroupId: hotWalletGroup(chain),
    MessageDeduplicationId: sweep.id,
  }));
  return sweep;
}
