import { randomUUID } from 'node:crypto';
import { GetItemCommand, QueryCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { merchantEventsPartition } from '#lib/merchants/events.js';
import { paymentEventItem } from '#lib/money/payments/events.js';
import type { Payment } from '#lib/money/payments/schemas.js';
import { deliverWebhook, type DeliveryOutcome } from '#lib/notify/webhooks/deliver.js';
import type { WebhookDeps, WebhookSignal } from '#lib/notify/webhooks/deps.js';
import { createEndpoint, getEndpoint, listAttempts } from '#lib/notify/webhooks/endpoints.js';
import { deliveryKey, endpointKey } from '#lib/notify/webhooks/items.js';
import { deliveryMessageSchema, type DeliveryMessage } from '#lib/notify/webhooks/schemas.js';
import { pinnedTransport, type Transport, type WebhookRequest } from '#lib/notify/webhooks/transport.js';
import type { Resolver } from '#lib/notify/webhooks/url.js';
import { ValidationError } from '#lib/platform/errors/index.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { startReceiver } from '../support/webhook-receiver.js';

// The deliver function's lib code in-process, against the emulators, with its own scratch queues
// (so the running stack's webhook-deliver never sees these messages) and a stub resolver: real DNS
// is not available here, and a stub is what lets a test change the answer between two lookups.

process.env.POWERTOOLS_DEV = 'true'; // the logger then writes through the global console, which the test captures
const logged: string[] = [];
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    logged.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  });
}
const receivers: { close: () => Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  vi.restoreAllMocks();
});

async function scratchDeps(overrides: Partial<WebhookDeps> = {}) {
  const { dynamodb, sqs, kms } = clients();
  const queue = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: `webhook-scratch-${name}-${randomUUID()}` }))).QueueUrl!;
  const signals: WebhookSignal[] = [];
  const deps: WebhookDeps = {
    dynamodb, sqs, kms,
    tableName: stack().tableName,
    stage: 'local',
    dataKeyId: stack().keys.DataKey!,
    deliveryQueueUrl: await queue('delivery'),
    deliveryDeadLetterQueueUrl: await queue('dlq'),
    retryScheduleSeconds: [0, 0],
    disableAfterMs: 3_600_000,
    secretOverlapMs: 86_400_000,
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    transport: pinnedTransport,
    logger: new Logger({ serviceName: 'webhook-deliver-test', logLevel: 'DEBUG' }),
    signal: (signal) => signals.push(signal),
    now: () => new Date(),
    random: () => 0.5,
    ...overrides,
  };
  return { deps, signals };
}

/**
 * A payment event written straight to the table under another entity name, so the running
 * stack's outbox relay does not fan it out to these endpoints behind the test's back.
 */
async function quietEvent(merchantId: string): Promise<string> {
  const now = new Date();
  const payment: Payment = {
    id: `pay_${randomUUID().replace(/-/g, '').slice(0, 26)}`, object: 'payment', status: 'authorized', amount: '1000', amount_captured: '0', fee: '0',
    asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'manual', customer: null,
    description: null, metadata: {}, created_at: now.toISOString(), expires_at: null, tx_hash: null, decline_code: null, failure_code: null,
  };
  const { item, event } = paymentEventItem(stack().tableName, merchantId, 'payment.authorized', payment, now);
  await clients().dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: { ...item.Put!.Item!, entity: { S: 'test-event' } } }));
  return event.id;
}

async function endpointFor(deps: WebhookDeps, merchantId: string, url: string) {
  const endpoint = await createEndpoint(deps, merchantId, { url, events: ['payment.authorized'] });
  return endpoint;
}

const firstMessage = (endpointId: string, eventId: string, merchantId: string): DeliveryMessage => ({
  endpointId, eventId, merchantId, run: 'first', attempt: 1, notBeforeMs: Date.now(),
});

/** Plays the deliver function: the first message, then whatever it queued, until the queue is empty. */
async function drain(deps: WebhookDeps, first: DeliveryMessage): Promise<DeliveryOutcome[]> {
  const outcomes = [await deliverWebhook(deps, first)];
  for (;;) {
    const received = await deps.sqs.send(new ReceiveMessageCommand({ QueueUrl: deps.deliveryQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if (!received.Messages?.length) return outcomes;
    for (const message of received.Messages) {
      outcomes.push(await deliverWebhook(deps, deliveryMessageSchema.parse(JSON.parse(message.Body!))));
      await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: deps.deliveryQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  }
}

function recording(inner: Transport): { transport: Transport; calls: WebhookRequest[] } {
  const calls: WebhookRequest[] = [];
  return { calls, transport: async (request) => (calls.push(request), inner(request)) };
}

describe('webhook delivery (lib, in-process)', () => {
  it('connects to the address it checked, whatever the name, and sends a duplicate message nothing', async () => {
    const hooks = await startReceiver();
    receivers.push(hooks);
    const resolved: string[] = [];
    const resolve: Resolver = async (host) => (resolved.push(host), [{ address: '127.0.0.1', family: 4 }]);
    const { deps } = await scratchDeps({ resolve });
    const merchant = await fundedMerchant(0n);
    // Real DNS does not know this name: the request can only arrive through the pinned address.
    const endpoint = await endpointFor(deps, merchant.merchant_id, `http://receiver.lanepay.test:${hooks.port}/pinned`);
    const eventId = await quietEvent(merchant.merchant_id);

    const message = firstMessage(endpoint.id, eventId, merchant.merchant_id);
    expect(await deliverWebhook(deps, message)).toBe('delivered');
    expect(await deliverWebhook(deps, message)).toBe('skipped_duplicate');
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]!.headers.host).toBe(`receiver.lanepay.test:${hooks.port}`);
    expect(resolved).toEqual(['receiver.lanepay.test', 'receiver.lanepay.test']);
  });

  it('delivers once the lease of an attempt whose function died runs out, when its message comes back before the lease ends', async () => {
    const hooks = await startReceiver();
    receivers.push(hooks);
    const { deps } = await scratchDeps();
    const merchant = await fundedMerchant(0n);
    const endpoint = await endpointFor(deps, merchant.merchant_id, hooks.url('/died'));
    const eventId = await quietEvent(merchant.merchant_id);
    const message = firstMessage(endpoint.id, eventId, merchant.merchant_id);
    // Attempt 1 was claimed by an invocation that was killed before it sent anything: the record holds
    // its lease (60 s; 8 s left here, so a loaded machine still reaches the check inside it), and the
    // queue hands the message out again after its visibility (40 s).
    const leaseUntilMs = Date.now() + 8_000;
    await clients().dynamodb.send(new PutItemCommand({
      TableName: deps.tableName,
      Item: { ...deliveryKey(endpoint.id, eventId, 'first'), attempt: { N: '1' }, leaseUntilMs: { N: String(leaseUntilMs) } },
    }));
    expect(await deliverWebhook(deps, message)).toBe('deferred');
    expect(hooks.received).toHaveLength(0);

    // The deferred message comes back once the lease ran out (an SQS delay): the delivery is made, once.
    const Messages = await waitFor('the deferred message', async () => {
      const received = await deps.sqs.send(new ReceiveMessageCommand({ QueueUrl: deps.deliveryQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      return received.Messages?.length ? received.Messages : undefined;
    }, { timeoutMs: 60_000, intervalMs: 0 });
    expect(Messages).toHaveLength(1);
    const deferred = deliveryMessageSchema.parse(JSON.parse(Messages[0]!.Body!));
    expect(deferred).toMatchObject({ attempt: 1, notBeforeMs: leaseUntilMs + 1000 });
    expect(await deliverWebhook(deps, deferred)).toBe('delivered');
    expect(await deliverWebhook(deps, deferred)).toBe('skipped_duplicate');
    expect(hooks.received).toHaveLength(1);
  });

  it('does not drop a message whose claim met a lease that ran out just after: it comes back at once and delivers, once', async () => {
    const hooks = await startReceiver();
    receivers.push(hooks);
    // A clock the test moves: the lease is live when the claim is tried, and over when the record is read again.
    let clockMs = Date.now();
    const { dynamodb } = clients();
    const sliding = Object.create(dynamodb) as typeof dynamodb;
    sliding.send = (async (command: { input: { ConditionExpression?: string } }) => {
      try {
        return await dynamodb.send(command as never);
      } finally {
        if (command.input.ConditionExpression?.includes('leaseUntilMs < :now')) clockMs += 10_000;
      }
    }) as typeof dynamodb.send;
    const { deps } = await scratchDeps({ dynamodb: sliding, now: () => new Date(clockMs) });
    const merchant = await fundedMerchant(0n);
    const endpoint = await endpointFor(deps, merchant.merchant_id, hooks.url('/slow'));
    const eventId = await quietEvent(merchant.merchant_id);
    // The message is due now on the test's clock: set it after the setup, which takes seconds on a busy
    // machine (a message due later than the clock is deferred for that reason instead, never claimed).
    clockMs = Date.now();
    const claimedAtMs = clockMs;
    const message = { ...firstMessage(endpoint.id, eventId, merchant.merchant_id), notBeforeMs: clockMs };
    await clients().dynamodb.send(new PutItemCommand({
      TableName: deps.tableName,
      Item: { ...deliveryKey(endpoint.id, eventId, 'first'), attempt: { N: '1' }, leaseUntilMs: { N: String(clockMs + 5_000) } },
    }));

    expect(await deliverWebhook(deps, message)).toBe('deferred');
    const Messages = await waitFor('the message back', async () => {
      const received = await deps.sqs.send(new ReceiveMessageCommand({ QueueUrl: deps.deliveryQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      return received.Messages?.length ? received.Messages : undefined;
    }, { timeoutMs: 60_000, intervalMs: 0 });
    expect(Messages).toHaveLength(1);
    const back = deliveryMessageSchema.parse(JSON.parse(Messages[0]!.Body!));
    // Deferred by the lease path: due a second after the clock the re-read saw (the lease had run out by then).
    expect(back.notBeforeMs).toBe(claimedAtMs + 10_000 + 1000);
    expect(await deliverWebhook(deps, back)).toBe('delivered');
    expect(hooks.received).toHaveLength(1);
  });

  it('refuses at delivery a host that rebinds to a private address after passing registration', async () => {
    const answers = ['93.184.216.34', '10.0.0.7'];
    const resolve: Resolver = async () => [{ address: answers.length > 1 ? answers.shift()! : answers[0]!, family: 4 }];
    const sent = recording(async () => ({ statusCode: 200, latencyMs: 1 }));
    const { deps } = await scratchDeps({ stage: 'dev', resolve, transport: sent.transport, retryScheduleSeconds: [60] });
    const merchant = await fundedMerchant(0n);
    const endpoint = await endpointFor(deps, merchant.merchant_id, 'https://hooks.rebind.test/lanepay');
    const eventId = await quietEvent(merchant.merchant_id);

    expect(await deliverWebhook(deps, firstMessage(endpoint.id, eventId, merchant.merchant_id))).toBe('retry_scheduled');
    expect(sent.calls).toHaveLength(0);
    const attempts = await listAttempts(deps, merchant.merchant_id, endpoint.id, { limit: 10 });
    expect(attempts.data[0]).toMatchObject({ succeeded: false, status_code: null, error: 'refused: host resolves to a private address' });
  });

  it('hands the transport the checked public address on a deployed stage, and refuses private hosts at registration', async () => {
    const sent = recording(async () => ({ statusCode: 204, latencyMs: 1 }));
    const { deps } = await scratchDeps({ stage: 'dev', resolve: async () => [{ address: '93.184.216.34', family: 4 }], transport: sent.transport });
    const merchant = await fundedMerchant(0n);
    const endpoint = await endpointFor(deps, merchant.merchant_id, 'https://hooks.example.test/ok');
    const eventId = await quietEvent(merchant.merchant_id);
    expect(await deliverWebhook(deps, firstMessage(endpoint.id, eventId, merchant.merchant_id))).toBe('delivered');
    expect(sent.calls[0]).toMatchObject({ address: '93.184.216.34', family: 4, timeoutMs: 15_000 });
    expect(sent.calls[0]!.url.hostname).toBe('hooks.example.test');

    const privateDeps = { ...deps, resolve: async () => [{ address: '192.168.1.20', family: 4 }] };
    await expect(createEndpoint(privateDeps, merchant.merchant_id, { url: 'https://intranet.example.test/', events: ['*'] })).rejects.toThrow(ValidationError);
    await expect(createEndpoint(deps, merchant.merchant_id, { url: 'http://hooks.example.test/', events: ['*'] })).rejects.toThrow(/https/);
    await expect(createEndpoint(deps, merchant.merchant_id, { url: 'https://127.0.0.1/', events: ['*'] })).rejects.toThrow(/loopback/);
  });

  it('sends exhausted deliveries to the dead-letter queue, raises failing once, and disables an endpoint failing for too long', async () => {
    const hooks = await startReceiver(() => ({ status: 500 }));
    receivers.push(hooks);
    // Six failures in a row: the circuit (tested below) would hold the sixth; this is about retries.
    const { deps, signals } = await scratchDeps({ circuit: { failureThreshold: 100, cooldownMs: 1 } });
    const merchant = await fundedMerchant(0n);
    const endpoint = await endpointFor(deps, merchant.merchant_id, hooks.url('/failing'));

    const eventId = await quietEvent(merchant.merchant_id);
    expect(await drain(deps, firstMessage(endpoint.id, eventId, merchant.merchant_id))).toEqual(['retry_scheduled', 'retry_scheduled', 'exhausted']);
    expect(new Set(hooks.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    const dead = await deps.sqs.send(new ReceiveMessageCommand({ QueueUrl: deps.deliveryDeadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(dead.Messages?.map((m) => JSON.parse(m.Body!))).toEqual([expect.objectContaining({ endpointId: endpoint.id, eventId, attempt: 3 })]);
    expect(signals).toEqual([{ kind: 'delivery_exhausted', endpointId: endpoint.id, eventId }]);

    const second = await quietEvent(merchant.merchant_id);
    expect(await drain(deps, firstMessage(endpoint.id, second, merchant.merchant_id))).toEqual(['retry_scheduled', 'retry_scheduled', 'exhausted']);
    const disabledDeps = { ...deps, disableAfterMs: 0 };
    expect(await deliverWebhook(disabledDeps, firstMessage(endpoint.id, await quietEvent(merchant.merchant_id), merchant.merchant_id))).toBe('endpoint_disabled');
    expect((await getEndpoint(deps, merchant.merchant_id, endpoint.id)).status).toBe('disabled');

    const events = await clients().dynamodb.send(new QueryCommand({
      TableName: stack().tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':p': { S: merchantEventsPartition(merchant.merchant_id) }, ':e': { S: 'event' } },
    }));
    // One failing event for the streak (not one per exhausted delivery), then the disabled one.
    expect(events.Items?.map((item) => item.type!.S).sort()).toEqual(['webhook_endpoint.disabled', 'webhook_endpoint.failing']);
  });

  it('opens an endpoint\'s circuit after failures in a row: deliveries then wait without calling it or spending an attempt, one trial at a time after each cooldown, until a success closes it', async () => {
    let down = true;
    const hooks = await startReceiver(() => ({ status: down ? 500 : 200 }));
    receivers.push(hooks);
    let offsetMs = 0;
    const { deps, signals } = await scratchDeps({ circuit: { failureThreshold: 3, cooldownMs: 60_000 }, now: () => new Date(Date.now() + offsetMs) });
    const merchant = await fundedMerchant(0n);
    const endpoint = await endpointFor(deps, merchant.merchant_id, hooks.url('/breaker'));
    const messages = [];
    for (let i = 0; i < 5; i += 1) messages.push(firstMessage(endpoint.id, await quietEvent(merchant.merchant_id), merchant.merchant_id));

    const outcomes = [];
    for (const message of messages) outcomes.push(await deliverWebhook(deps, message));

    expect(outcomes).toEqual(['retry_scheduled', 'retry_scheduled', 'retry_scheduled', 'circuit_open', 'circuit_open']);
    expect(hooks.at('/breaker')).toHaveLength(3);
    expect(signals).toEqual([{ kind: 'circuit_opened', endpointId: endpoint.id, openUntilMs: expect.any(Number) }]);
    // Held deliveries spent no attempt: nothing claimed them (their messages wait, delayed, on the queue).
    for (const message of messages.slice(3)) {
      const delivery = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: deliveryKey(endpoint.id, message.eventId, 'first'), ConsistentRead: true }));
      expect(delivery.Item, message.eventId).toBeUndefined();
    }

    // Past the cooldown, still down: one delivery is the trial (and fails, opening the circuit again); the other is held.
    offsetMs = 63_000;
    expect(await deliverWebhook(deps, messages[3]!)).toBe('retry_scheduled');
    expect(await deliverWebhook(deps, messages[4]!)).toBe('circuit_open');
    expect(hooks.at('/breaker')).toHaveLength(4);

    // The receiver recovers; past the next cooldown the trial succeeds and closes the circuit.
    down = false;
    offsetMs = 126_000;
    expect(await deliverWebhook(deps, messages[4]!)).toBe('delivered');
    expect(await deliverWebhook(deps, { ...messages[3]!, attempt: 2 })).toBe('delivered');
    expect(hooks.at('/breaker')).toHaveLength(6);
    const item = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: endpointKey(endpoint.id), ConsistentRead: true }));
    expect(item.Item?.circuitOpenUntilMs).toBeUndefined();
    expect(item.Item?.consecutiveFailures).toBeUndefined();
  });

  it('never writes a secret to the logs while it creates endpoints, delivers and fails deliveries', async () => {
    const hooks = await startReceiver((path) => ({ status: path.endsWith('/fail') ? 500 : 200 }));
    receivers.push(hooks);
    const { deps } = await scratchDeps();
    const merchant = await fundedMerchant(0n);
    const from = logged.length;
    const good = await endpointFor(deps, merchant.merchant_id, `http://127.0.0.1:${hooks.port}/ok`);
    const failing = await endpointFor(deps, merchant.merchant_id, `http://127.0.0.1:${hooks.port}/fail`);
    const eventId = await quietEvent(merchant.merchant_id);

    expect(await deliverWebhook(deps, firstMessage(good.id, eventId, merchant.merchant_id))).toBe('delivered');
    await drain(deps, firstMessage(failing.id, eventId, merchant.merchant_id));

    const text = logged.slice(from).join('\n');
    expect(text).toContain('webhook attempt');
    expect(text).not.toContain('whsec_');
    for (const secret of [good.secret, failing.secret]) {
      const bytes = Buffer.from(secret.slice(6), 'base64');
      for (const form of [secret.slice(6), bytes.toString('hex'), bytes.toString('base64url')]) expect(text).not.toContain(form);
    }
  });
});
