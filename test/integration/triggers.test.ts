import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { getBytes, randomBytes, recoverAddress } from 'ethers';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { api } from '../support/api.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { startReceiver } from '../support/webhook-receiver.js';

/** Looks through a queue's messages (hiding each for a while) for one matching `match`. */
async function findMessage(queueUrl: string, match: (body: string, attributes: Record<string, string>) => boolean, timeoutMs: number) {
  const { sqs } = clients();
  return waitFor(`a matching message on ${queueUrl}`, async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }));
    return Messages.find((m) => match(m.Body ?? '', Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']))));
  }, { timeoutMs, intervalMs: 50 });
}

// Concurrent: the dead-letter and schedule tests mostly wait, and should wait side by side.
describe.concurrent('every trigger kind, end to end on the emulators', () => {
  it('stream: an event written with a payment reaches the outbox relay, which publishes it on, and the notify consumer delivers it', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const receiver = await startReceiver();
    const endpoint = await api('POST', '/v1/webhook_endpoints', { key: merchant.api_key, body: { url: receiver.url("/hook"), events: ['payment.authorized'] } });
    expect(endpoint.status).toBe(201);
    const created = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' } });
    expect(created.status).toBe(201);
    const events = await api('GET', '/v1/events', { key: merchant.api_key });
    const authorized = events.body.data[0];
    expect(authorized.type).toBe('payment.authorized');

    // The event item's stream record is the relay's only input; the delivery is its visible result.
    const delivered = await waitFor('the event to be delivered', () => receiver.received.find((r) => r.headers['webhook-id'] === authorized.id), { timeoutMs: 30_000 });
    expect(JSON.parse(delivered.body)).toEqual(authorized);
    await receiver.close();
  });

  it('SQS: a message chain-submit cannot process is received maxReceiveCount times, then lands in the dead-letter queue', async () => {
    const { sqs } = clients();
    const marker = `poison-${randomUUID()}`;
    // Its own message group, so the poison message holds up no real payout while it is retried.
    await sqs.send(new SendMessageCommand({ QueueUrl: stack().queues.ChainSubmitQueue!.url, MessageBody: `not an event ${marker}`, MessageGroupId: marker, MessageDeduplicationId: marker }));

    const dead = await findMessage(stack().queues.ChainSubmitDeadLetterQueue!.url, (body) => body.includes(marker), 170_000);
    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(5);
    const redrive = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack().queues.ChainSubmitQueue!.url, AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(redrive.Attributes!.RedrivePolicy!).maxReceiveCount).toBe(5);
  }, 180_000);

  it('schedule: the expiry schedule fires settle, which releases a manual hold whose time is up', async () => {
    const merchant = await fundedMerchant(usdc(3));
    const created = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: usdc(2).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' } });
    expect(created.status).toBe(201);
    expect(Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)).toBe(90_000);

    // rate(1 minute) locally: the hold expires after 90 s (the suite's setting) and the next run of the schedule releases it.
    const expired = await waitFor('the schedule to expire the hold', async () => {
      const payment = await api('GET', `/v1/payments/${created.body.id}`, { key: merchant.api_key });
      return payment.body.status === 'expired' ? payment.body : undefined;
    }, { timeoutMs: 240_000, intervalMs: 1_000 });
    expect(expired.status).toBe('expired');
    const balances = await api('GET', '/v1/balances', { key: merchant.api_key });
    expect(balances.body.data[0]).toEqual({ asset: 'USDC', available: usdc(3).toString(), pending: '0' });
    const events = await api('GET', '/v1/events', { key: merchant.api_key });
    expect(events.body.data[0].type).toBe('payment.expired');
  }, 270_000);

  it('KMS: a secp256k1 signature of a 32-byte digest, made through the SDK, recovers to the hot-wallet address', async () => {
    for (const chain of stack().chains) {
      const signer = new KmsSigner(clients().kms, chain.keyAlias);
      const digest = randomBytes(32);
      const signature = await signer.signDigest(digest);
      expect(recoverAddress(getBytes(digest), signature)).toBe(chain.hotWallet);
    }
  });
});
