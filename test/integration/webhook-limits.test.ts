import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { listEvents } from '#lib/notify/events/query.js';
import type { WebhookDeps } from '#lib/notify/webhooks/deps.js';
import { createEndpoint, deleteEndpoint, listEndpoints, maxEndpointsPerMerchant } from '#lib/notify/webhooks/endpoints.js';
import { maxRedeliveriesPerHour, redeliverEvent } from '#lib/notify/webhooks/fan-out.js';
import { pinnedTransport } from '#lib/notify/webhooks/transport.js';
import { LanepayError, RateLimitedError } from '#lib/platform/errors/index.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { clients, fundedMerchant, paymentDeps, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';

function deps(): WebhookDeps {
  const { dynamodb, sqs, kms } = clients();
  return {
    dynamodb, sqs, kms,
    tableName: stack().tableName,
    stage: 'local',
    dataKeyId: stack().keys.DataKey!,
    deliveryQueueUrl: stack().queues.WebhookDeliveryQueue!.url,
    deliveryDeadLetterQueueUrl: stack().queues.WebhookDeliveryDeadLetterQueue!.url,
    retryScheduleSeconds: [0],
    disableAfterMs: 3_600_000,
    secretOverlapMs: 86_400_000,
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    transport: pinnedTransport,
    logger: new Logger({ serviceName: 'webhook-limits-test', logLevel: 'WARN' }),
    signal: () => {},
    now: () => new Date(),
    random: () => 0.5,
  };
}

describe('webhook endpoints per merchant', () => {
  it(`allows ${maxEndpointsPerMerchant} endpoints created at once, refuses one more with limit_exceeded, and frees a place on delete`, async () => {
    const webhooks = deps();
    const { merchant_id } = await fundedMerchant(0n);
    const create = (i: number) => createEndpoint(webhooks, merchant_id, { url: `http://127.0.0.1:9/hook/${i}`, events: ['*'] });

    const created = await Promise.all(Array.from({ length: maxEndpointsPerMerchant }, (_, i) => create(i)));
    const refused = await create(99).catch((error: unknown) => error);
    await deleteEndpoint(webhooks, merchant_id, created[0]!.id);
    const replacement = await create(100);

    expect(refused).toBeInstanceOf(LanepayError);
    expect((refused as LanepayError).code).toBe('limit_exceeded');
    expect(replacement.id).toMatch(/^we_/);
    const listed = await listEndpoints(webhooks, merchant_id, { limit: 100 });
    expect(listed.data).toHaveLength(maxEndpointsPerMerchant);
  });
});

describe('redeliveries per event', () => {
  it(`allows ${maxRedeliveriesPerHour} redeliveries of an event an hour, then refuses with rate_limited and the seconds to wait`, async () => {
    const webhooks = deps();
    const { profile, merchant_id } = await fundedMerchant(usdc(10));
    const body = createPaymentBodySchema.parse({ amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' });
    await authorizePayment(paymentDeps(), { merchant: profile, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', body), body });
    const eventId = (await listEvents(paymentDeps(), merchant_id, { limit: 1 })).data[0]!.id;

    for (let i = 0; i < maxRedeliveriesPerHour; i += 1) await redeliverEvent(webhooks, merchant_id, eventId);
    const refused = await redeliverEvent(webhooks, merchant_id, eventId).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(3600);
  });
});
