import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { Wallet } from 'ethers';
import { ChainRegistry } from '#lib/chains/registry.js';
import { paymentKey } from '#lib/money/payments/items.js';
import { payoutKey } from '#lib/money/payouts/items.js';
import type { ReconcileDeps } from '#lib/treasury/reconcile/index.js';
import { clients } from '../../support/deps.js';
import { bookWorldFunding, type isolatedWorld } from '../../support/isolated.js';
import { waitFor } from '../../support/wait.js';

type World = Awaited<ReturnType<typeof isolatedWorld>>;

/** Private copies of the relay's queues, so a test sees exactly what its reconciler sent. */
export async function relayQueues() {
  const { sqs } = clients();
  const tag = randomUUID().slice(0, 8);
  const create = async (name: string, fifo = false) => (await sqs.send(new CreateQueueCommand({
    QueueName: `lanepay-test-${name}-${tag}${fifo ? '.fifo' : ''}`,
    ...(fifo ? { Attributes: { FifoQueue: 'true' } } : {}),
  }))).QueueUrl!;
  return { notifyQueueUrl: await create('notify'), chainSubmitQueueUrl: await create('submit', true), flowTotalsQueueUrl: await create('flows'), reportsQueueUrl: await create('reports') };
}

/**
 * The reconciler's deps over an isolated world, with `now` movable to age what it finds. The world's
 * table has booked no treasury funding, so each chain's treasury is an empty address of its own
 * (the stack's Safes hold what the stack's table booked), unless `treasuries` names them. Its hot
 * wallets are the world's own, their funding booked in its table here: the stack's past wallets
 * (`ownAddresses`) hold what the stack's table booked, so they are not this world's.
 */
export async function reconcilerIn(world: World, treasuries: Record<string, string> = {}) {
  await bookWorldFunding(world);
  let offsetMs = 0;
  const chains = new ChainRegistry(world.payouts.chains.chains.map((chain) => ({
    ...chain,
    ownAddresses: [],
    ...(chain.treasury ? { treasury: { ...chain.treasury, safe: treasuries[chain.name] ?? Wallet.createRandom().address } } : {}),
  })));
  const deps: ReconcileDeps = { ...world.payouts, chains, ...(await relayQueues()), now: () => new Date(Date.now() + offsetMs) };
  return { deps, advance: (ms: number) => { offsetMs += ms; } };
}

/**
 * Receives up to ten messages and deletes them: a message only hidden would come back once its
 * visibility timeout (30 s) passed, which a test on a loaded machine outlasts.
 */
async function take(queueUrl: string): Promise<Message[]> {
  const { sqs } = clients();
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  if (Messages.length > 0) {
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return Messages;
}

/** Every message body on a queue until `until` holds for them (each taken off the queue). */
export async function bodiesOn(queueUrl: string, until: (bodies: string[]) => boolean): Promise<string[]> {
  const bodies: string[] = [];
  return waitFor(`messages on ${queueUrl}`, async () => {
    bodies.push(...(await take(queueUrl)).map((m) => m.Body!));
    return until(bodies) ? bodies : undefined;
  }, { timeoutMs: 30_000, intervalMs: 50 });
}

/** What is on a queue within one long poll (for asserting that nothing was sent). */
export async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const page = await take(queueUrl);
    if (page.length === 0) return bodies;
    bodies.push(...page.map((m) => m.Body!));
  }
}

/** The `reconcile.discrepancy` platform events in a table, as their `data.object`. */
export async function discrepancyEvents(world: World): Promise<Record<string, string>[]> {
  const { Items = [] } = await world.payouts.dynamodb.send(new QueryCommand({
    TableName: world.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } }, ConsistentRead: false,
  }));
  return Items.filter((i) => i.type?.S === 'reconcile.discrepancy').map((i) => (JSON.parse(i.body!.S!) as { data: { object: Record<string, string> } }).data.object);
}

/** Sets a payout's status behind chain-check's back (as a nonce problem would leave it). */
export async function setPayoutStatus(world: World, paymentId: string, status: string): Promise<void> {
  await world.payouts.dynamodb.send(new UpdateItemCommand({
    TableName: world.tableName, Key: payoutKey(paymentId), UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: status } },
  }));
}

/** Rewrites the payment object the ledger keeps (a bug or a hand edit the reconciler must catch). */
export async function editPayment(world: World, paymentId: string, change: (payment: Record<string, unknown>) => void): Promise<void> {
  const { dynamodb } = world.payouts;
  const { Items = [] } = await dynamodb.send(new QueryCommand({
    TableName: world.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': paymentKey(paymentId).pk }, ConsistentRead: true,
  }));
  const payment = JSON.parse(Items[0]!.object!.S!) as Record<string, unknown>;
  change(payment);
  await dynamodb.send(new UpdateItemCommand({
    TableName: world.tableName, Key: paymentKey(paymentId), UpdateExpression: 'SET #o = :o, #s = :s',
    ExpressionAttributeNames: { '#o': 'object', '#s': 'status' }, ExpressionAttributeValues: { ':o': { S: JSON.stringify(payment) }, ':s': { S: String(payment.status) } },
  }));
}

/** Rewrites a payout's attempts (e.g. a hash the chain never saw). */
export async function editPayoutAttempts(world: World, paymentId: string, change: (attempts: { hash: string }[]) => void): Promise<void> {
  const { dynamodb } = world.payouts;
  const item = (await dynamodb.send(new QueryCommand({
    TableName: world.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': payoutKey(paymentId).pk }, ConsistentRead: true,
  }))).Items![0]!;
  const attempts = JSON.parse(item.attempts!.S!) as { hash: string }[];
  change(attempts);
  await dynamodb.send(new UpdateItemCommand({
    TableName: world.tableName, Key: payoutKey(paymentId), UpdateExpression: 'SET attempts = :a', ExpressionAttributeValues: { ':a': { S: JSON.stringify(attempts) } },
  }));
}
