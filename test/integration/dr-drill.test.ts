import { ListTablesCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantAccountKey } from '#lib/ledger/accounts.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { createEndpoint, fanOutEvent, relayEvent, type WebhookDeps } from '#notify';
import { logger } from '#platform';
import { unrelayedEvents } from '#treasury';
import { createDrillQueues, deleteDrillQueues, replayRestored } from '../../bin/dr/replay.js';
import type { DrillReport } from '../../bin/commands/dr-drill.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients, someAddress } from '../support/deps.js';
import { isolatedWorld } from '../support/isolated.js';
import { stack } from '../support/stack.js';
import { startReceiver } from '../support/webhook-receiver.js';
import { merchantIn } from './payouts/world.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const receivers: { close: () => Promise<void> }[] = [];

beforeAll(() => { cli = cliAgainstTestStack(); });
afterAll(async () => {
  cli.cleanup();
  await Promise.all(receivers.map((r) => r.close()));
});

/**
 * Each drill runs the CLI end to end (a restore into a copy table, the ledger and audit checks, a
 * second stack's outbox replay): 9 s and 6 s on a quiet stack, and both outlasted 60 s in a clean-clone
 * run of the whole suite at load 15-17.
 */
describe('lanepay dr drill', { timeout: 240_000 }, () => {
  it('restores a copy, finds the ledger and audit log whole, and a second stack pointed at it replays its outbox so every event reaches a receiver exactly once', async () => {
    // A table of the test's own (no stream consumer): its outbox moves only when the test moves it.
    const world = await isolatedWorld({ fund: false });
    const merchant = await merchantIn(world, 50_000_000n);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const { dynamodb, sqs, kms } = clients();
    const scratchQueue = async () => (await sqs.send(new CreateQueueCommand({ QueueName: `dr-scratch-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
    const webhooks: WebhookDeps = {
      dynamodb, sqs, kms, tableName: world.tableName, stage: 'local', dataKeyId: stack().keys.DataKey!,
      deliveryQueueUrl: await scratchQueue(), deliveryDeadLetterQueueUrl: await scratchQueue(),
      retryScheduleSeconds: [1], disableAfterMs: 3_600_000, secretOverlapMs: 0,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }], transport: async () => { throw new Error('not used'); },
      logger, signal: () => {}, now: () => new Date(), random: Math.random,
    };
    await createEndpoint(webhooks, merchant.id, { url: receiver.url('/hooks'), events: ['*'] });
    const authorize = async () => (await authorizePayment(world.payments, {
      merchant, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
      body: createPaymentBodySchema.parse({ amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' }),
    })).payment.id;

    // Before the restore point: A's events were relayed and delivered as the live stack would.
    const delivered = await authorize();
    const live = await createDrillQueues(sqs, `dr-live-${randomUUID().slice(0, 8)}`);
    await replayRestored({ dynamodb, sqs, kms, stage: 'local', tableName: world.tableName, dataKeyId: stack().keys.DataKey!, restorePoint: new Date(), lookbackMs: 0, deadline: Date.now() + 30_000 }, live);
    await deleteDrillQueues(sqs, live);
    const deliveredBefore = receiver.at('/hooks').length;
    expect(deliveredBefore).toBeGreaterThan(0);
    // C's events were fanned out, and their delivery messages were lost with the queues.
    const inFlight = await authorize();
    const relayDeps = { sqs, dynamodb, tableName: world.tableName, now: () => new Date(), notifyQueueUrl: await scratchQueue(), chainSubmitQueueUrl: await scratchQueue(), flowTotalsQueueUrl: await scratchQueue(), reportsQueueUrl: await scratchQueue() };
    for await (const unrelayed of unrelayedEvents(relayDeps, { olderThanMs: 0 })) {
      await relayEvent(relayDeps, unrelayed.event, unrelayed.merchantId);
      await fanOutEvent(webhooks, unrelayed.event, unrelayed.merchantId);
    }
    // B's events were never relayed.
    const neverRelayed = await authorize();

    fs.writeFileSync(path.join(cli.dir, 'isolated.json'), JSON.stringify({ ...stack(), tableName: world.tableName }));
    const run = await cli.run(['dr', 'drill', '--lookback', '1h', '--deadline-seconds', '60'], 'isolated.json');

    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DrillReport;
    expect(report).toMatchObject({ ok: true, source_table: world.tableName, kept: false });
    expect(report.restored_table).toBe('lanepay-drill');
    expect(report.ledger).toMatchObject({ ok: true, violations: [] });
    expect(report.ledger.debits_posted).toBe(report.ledger.credits_posted);
    expect(report.audit).toMatchObject({ ok: true, merchants: 1, broken: [] });
    expect(report.replay.eventsRelayed).toBe(1);
    expect(report.replay.deliveriesRedriven).toBe(1);
    expect(report.replay).toMatchObject({ deliveriesLeft: 0, otherMessages: 0, replayedBy: 'recovery stack' });

    // Every event of the three payments reached the receiver, and none twice.
    const ids = receiver.at('/hooks').map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    const objects = receiver.at('/hooks').map((r) => (JSON.parse(r.body) as { data: { object: { id: string } } }).data.object.id);
    expect(objects.sort()).toEqual([delivered, inFlight, neverRelayed].sort());
    expect(ids).toHaveLength(deliveredBefore + 2);

    // The copy and the recovery stack's queues are gone; the source stack's are untouched.
    const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain('lanepay-drill');
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lanepay-drill-' }));
    expect(QueueUrls).toEqual([]);
    const notify = stack().queues.NotifyQueue!;
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: notify.name }))).QueueUrl).toBe(notify.url);
  });

  it('exits 1 and names what does not hold when the copy\'s ledger and audit log were altered before the restore point', async () => {
    const world = await isolatedWorld({ fund: false });
    const merchant = await merchantIn(world, 50_000_000n);
    const { dynamodb } = clients();
    // An insider's edits: a balance raised without its entry, and an audit record's body rewritten.
    await dynamodb.send(new UpdateItemCommand({ TableName: world.tableName, Key: merchantAccountKey(merchant.id, 'USDC'), UpdateExpression: 'ADD available :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
    const { Items: records = [] } = await dynamodb.send(new ScanCommand({ TableName: world.tableName, FilterExpression: 'begins_with(pk, :audit) AND attribute_exists(body)', ExpressionAttributeValues: { ':audit': { S: `AUDIT#${merchant.id}` } } }));
    expect(records.length).toBeGreaterThan(0);
    const record = records[0]!;
    await dynamodb.send(new UpdateItemCommand({ TableName: world.tableName, Key: { pk: record.pk!, sk: record.sk! }, UpdateExpression: 'SET body = :b', ExpressionAttributeValues: { ':b': { S: record.body!.S!.replace('"credit"', '"debit"').replace('}', ',"x":1}') } } }));

    fs.writeFileSync(path.join(cli.dir, 'altered.json'), JSON.stringify({ ...stack(), tableName: world.tableName }));
    const run = await cli.run(['dr', 'drill', '--deadline-seconds', '5'], 'altered.json');

    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as DrillReport;
    expect(report.ok).toBe(false);
    expect(report.ledger.violations).toEqual([expect.stringMatching(/available 50000001 is not credits − debits − pending \(50000000\)$/)]);
    expect(report.audit).toMatchObject({ ok: false, merchants: 1, broken: [{ merchant_id: merchant.id, detail: expect.any(String) }] });
  });
});
