import { GetItemCommand, QueryCommand, paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { getAddress, id as topicOf, zeroPadValue } from 'ethers';
import { checkLedgerInvariants } from '#lib/ledger/invariants.js';
import { transferKey } from '#lib/ledger/transfers.js';
import { merchantEventsPartition } from '#lib/merchants/events.js';
import { nonceKey } from '#lib/money/payouts/items.js';
import type { StackInfo } from '../stack/types.js';

/** One invariant: whether it holds, the figures it was judged on, and what broke it (a few examples). */
export interface CheckResult {
  name: string;
  ok: boolean;
  figures: string;
  problems: string[];
}

export const check = (name: string, figures: string, problems: string[]): CheckResult => ({ name, ok: problems.length === 0, figures, problems });

type Json = Record<string, unknown>;

/** Every payment is final: `succeeded`, or `failed` with its refund (and fee refund) posted in the ledger. */
export async function paymentsFinal(dynamodb: DynamoDBClient, tableName: string, payments: Json[]): Promise<CheckResult> {
  const byStatus = new Map<string, number>();
  const problems: string[] = [];
  for (const payment of payments) {
    const status = String(payment.status);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    if (status !== 'succeeded' && status !== 'failed') problems.push(`${payment.id} is ${status}`);
    if (status !== 'failed') continue;
    const refund = await transfer(dynamodb, tableName, `trf_refund_${payment.id}`);
    if (refund?.amount !== String(payment.amount_captured)) problems.push(`${payment.id} failed (${payment.failure_code}) without its refund of ${payment.amount_captured} (found ${refund?.amount ?? 'none'})`);
    if (BigInt(String(payment.fee)) > 0n && (await transfer(dynamodb, tableName, `trf_fee_refund_${payment.id}`)) === undefined) problems.push(`${payment.id} failed without its fee refund`);
  }
  const figures = `${payments.length} payments: ${[...byStatus].map(([status, n]) => `${n} ${status}`).join(', ')}`;
  return check('every payment succeeded or failed with its refund booked', figures, problems);
}

async function transfer(dynamodb: DynamoDBClient, tableName: string, transferId: string): Promise<{ amount: string } | undefined> {
  const item = (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: transferKey(transferId), ConsistentRead: true }))).Item;
  if (!item) return undefined;
  return { amount: item.amountMinor?.N ?? item.amount?.N ?? item.amount?.S ?? '?' };
}

/** Every charge the workload paid exactly is `succeeded`, credited exactly its amount. */
export function chargesSucceeded(charges: Json[]): CheckResult {
  const problems = charges
    .filter((charge) => charge.status !== 'succeeded' || charge.amount_received !== charge.amount)
    .map((charge) => `${charge.id} is ${charge.status}, received ${charge.amount_received} of ${charge.amount}`);
  return check('every charge paid on chain succeeded, credited once', `${charges.length} charges, ${charges.length - problems.length} succeeded with exactly their amount`, problems);
}

/**
 * Each hot wallet's nonces: Lanepay's nonce items are 0..n-1 without a gap, the chain counted exactly
 * n transactions from the wallet, and no payout is left in flight (the INFLIGHT# index is empty).
 */
export async function noncesContiguous(dynamodb: DynamoDBClient, info: StackInfo, rpc: (chain: string, method: string, params: unknown[]) => Promise<unknown>): Promise<CheckResult> {
  const problems: string[] = [];
  const figures: string[] = [];
  for (const chain of info.chains) {
    const nonces: number[] = [];
    const pages = paginateQuery({ client: dynamodb }, {
      TableName: info.tableName, KeyConditionExpression: 'pk = :pk', ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': nonceKey(chain.name, chain.hotWallet, 0).pk },
    });
    for await (const page of pages) for (const item of page.Items ?? []) nonces.push(Number(item.sk!.S));
    nonces.sort((a, b) => a - b);
    const gaps = nonces.filter((nonce, i) => nonce !== i);
    if (gaps.length > 0) problems.push(`${chain.name}: nonce items not contiguous from 0 (first out of place: ${gaps[0]})`);
    const onChain = Number(BigInt(String(await rpc(chain.name, 'eth_getTransactionCount', [chain.hotWallet, 'latest']))));
    if (onChain !== nonces.length) problems.push(`${chain.name}: the chain mined ${onChain} transactions from the hot wallet, Lanepay took ${nonces.length} nonces`);
    const inFlight = (await dynamodb.send(new QueryCommand({
      TableName: info.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: `INFLIGHT#${chain.name}` } }, Select: 'COUNT',
    }))).Count ?? 0;
    if (inFlight > 0) problems.push(`${chain.name}: ${inFlight} payouts still in flight`);
    figures.push(`${chain.name} nonces 0..${nonces.length - 1} (${nonces.length}), ${onChain} mined, ${inFlight} in flight`);
  }
  return check('nonces contiguous', figures.join('; '), problems);
}

const transferTopic = topicOf('Transfer(address,address,uint256)');

/**
 * The chain's own record of every token transfer out of each hot wallet: no address received two,
 * each succeeded payout's destination received exactly its amount, a failed one's nothing.
 */
export async function destinationsPaidOnce(info: StackInfo, payments: Json[], rpc: (chain: string, method: string, params: unknown[]) => Promise<unknown>): Promise<CheckResult> {
  const problems: string[] = [];
  let transfers = 0;
  const paid = new Map<string, bigint[]>();
  for (const chain of info.chains) {
    const logs = (await rpc(chain.name, 'eth_getLogs', [{ address: chain.usdcAddress, fromBlock: '0x0', toBlock: 'latest', topics: [transferTopic, zeroPadValue(chain.hotWallet, 32)] }])) as { topics: string[]; data: string }[];
    for (const log of logs) {
      transfers += 1;
      const to = `${chain.name}:${getAddress(`0x${log.topics[2]!.slice(26)}`)}`;
      paid.set(to, [...(paid.get(to) ?? []), BigInt(log.data)]);
    }
  }
  for (const [to, amounts] of paid) if (amounts.length > 1) problems.push(`${to} was paid ${amounts.length} times (${amounts.join(', ')})`);
  for (const payment of payments) {
    const amounts = paid.get(`${payment.chain}:${getAddress(String(payment.destination))}`) ?? [];
    if (payment.status === 'succeeded' && (amounts.length !== 1 || amounts[0] !== BigInt(String(payment.amount_captured)))) problems.push(`${payment.id} succeeded; its destination received [${amounts.join(', ')}], not ${payment.amount_captured}`);
    if (payment.status === 'failed' && amounts.length > 0) problems.push(`${payment.id} failed but its destination received [${amounts.join(', ')}]`);
  }
  return check('no destination paid twice', `${transfers} token transfers from the hot wallets to ${paid.size} addresses`, problems);
}

/** The double-entry invariants over every account (lib/ledger/invariants.ts), once nothing writes. */
export async function ledgerBalances(dynamodb: DynamoDBClient, tableName: string): Promise<CheckResult> {
  const ledger = await checkLedgerInvariants({ dynamodb, tableName });
  return check('ledger balances', `${ledger.accounts} account items; posted ${ledger.debitsPosted} = ${ledger.creditsPosted}, pending ${ledger.debitsPending} = ${ledger.creditsPending}`, ledger.violations);
}

/** Every event the merchant's outbox holds reached the webhook receiver, signed. */
export async function eventsDelivered(dynamodb: DynamoDBClient, tableName: string, merchantId: string, received: Map<string, number>, badSignatures: number): Promise<CheckResult> {
  const ids = await merchantEventIds(dynamodb, tableName, merchantId);
  const missing = [...ids].filter((id) => !received.has(id));
  const duplicates = [...received.values()].reduce((sum, n) => sum + n - 1, 0);
  const problems = missing.map((id) => `${id} never reached the receiver`);
  if (badSignatures > 0) problems.push(`${badSignatures} deliveries failed signature verification`);
  return check('every event reached the receiver', `${ids.size} events, ${ids.size - missing.length} delivered (${duplicates} duplicate deliveries, allowed: at least once)`, problems);
}

export async function merchantEventIds(dynamodb: DynamoDBClient, tableName: string, merchantId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const pages = paginateQuery({ client: dynamodb }, {
    TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', FilterExpression: 'entity = :e',
    ExpressionAttributeValues: { ':p': { S: merchantEventsPartition(merchantId) }, ':e': { S: 'event' } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) if (item.pk?.S) ids.add(item.pk.S.replace(/^EVENT#/, ''));
  return ids;
}

/** Messages left in the dead-letter queues (each a piece of work nobody finished). */
export async function deadLetters(sqs: SQSClient, info: StackInfo): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [logicalId, queue] of Object.entries(info.queues)) {
    if (!/DeadLetter|Failure/.test(logicalId)) continue;
    const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
    const n = Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (n > 0) counts.set(logicalId, n);
  }
  return counts;
}
