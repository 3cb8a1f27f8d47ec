import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSeed } from '../../bin/demo/demo-file.js';
import { startDemoReceiver, type ReceivedDelivery } from '../../bin/demo/receiver.js';
import { demo, seedDemo } from '../../bin/demo/seed.js';
import { localFunctionEnvironments, type FunctionEnvironments } from '../../scripts/invoke/environment.js';
import { invokeHandler, judge, loadEvent } from '../../scripts/invoke/invoke.js';
import { api } from '../support/api.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const eventsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'events');

/** events/<function>/<sample>.json, as `function/sample.json`. */
const samples = fs
  .readdirSync(eventsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) => fs.readdirSync(path.join(eventsDir, dir.name)).filter((file) => file.endsWith('.json')).map((file) => `${dir.name}/${file}`))
  .sort();

/**
 * The status each HTTP and WebSocket sample answers, exactly: anything else means the sample has
 * rotted. (Samples of queues, schedules and the authorizer are judged by `judge`: no failed record, Allow.)
 */
const expectedStatus: Record<string, number> = {
  'approvals/get-approval-policy.json': 200,
  'approvals/get-members.json': 200,
  'approvals/post-member.json': 201,
  'authorize/post-payment-manual-capture.json': 201,
  'charges/get-charges.json': 200,
  'checkout-page/get-checkout-page-zh.json': 200,
  'console/get-console-page-zh.json': 200,
  'checkout-realtime-token/post-checkout-realtime-token.json': 201,
  'kyc/get-customers.json': 200,
  'kyc/get-kyc-reviews.json': 200,
  'liquidity/get-liquidity.json': 200,
  'liquidity/get-treasury.json': 200,
  'kyc/post-customer.json': 201,
  'query/get-balances.json': 200,
  'query/get-chains.json': 200,
  'query/get-event.json': 200,
  'query/get-events.json': 200,
  'query/get-openapi-document.json': 200,
  'query/get-payment-timeline.json': 200,
  'query/get-payment.json': 200,
  'query/get-payments.json': 200,
  'realtime/connect-with-token.json': 200,
  'realtime/default-unknown-action.json': 200,
  'realtime/disconnect.json': 200,
  'realtime/subscribe-to-payment.json': 200,
  'realtime-tokens/post-realtime-token-for-payment.json': 201,
  'refunds/get-refunds.json': 200,
  'reports-api/get-report.json': 200,
  'reports-api/post-report.json': 201,
  'settle/post-payment-cancel.json': 200,
  'settle/post-payment-capture-partial.json': 200,
  'statements/get-audit-status.json': 200,
  'statements/get-statement.json': 200,
  'webhooks/delete-spare-webhook-endpoint.json': 200,
  'webhooks/get-event-attempts.json': 200,
  'webhooks/get-webhook-endpoint-attempts.json': 200,
  'webhooks/get-webhook-endpoint.json': 200,
  'webhooks/get-webhook-endpoints.json': 200,
  'webhooks/post-event-redeliver.json': 202,
  'webhooks/post-rotate-secret-spare-endpoint.json': 200,
  'webhooks/post-webhook-endpoint.json': 201,
};

/** What the samples that change something answer with, beyond the status. */
const expectedBody: Record<string, (values: DemoSeed) => unknown> = {
  'settle/post-payment-capture-partial.json': (values) => ({ id: values.payments.held, status: 'processing', amount_captured: '8000000' }),
  'settle/post-payment-cancel.json': (values) => ({ id: values.payments.to_cancel, status: 'canceled' }),
  'webhooks/delete-spare-webhook-endpoint.json': (values) => ({ id: values.spare_endpoint_id, deleted: true }),
  'webhooks/post-rotate-secret-spare-endpoint.json': (values) => ({ id: values.spare_endpoint_id, secret: expect.stringMatching(/^whsec_/) }),
  'realtime/subscribe-to-payment.json': (values) => ({ object: 'subscription', payment_id: values.payments.held }),
  'realtime/default-unknown-action.json': () => ({ object: 'error', code: 'unknown_action' }),
};

describe('the sample events in events/, after `lanepay demo seed`', () => {
  let seed: DemoSeed;
  let secret: string | undefined;
  let environments: FunctionEnvironments;
  const deliveries: ReceivedDelivery[] = [];
  let receiver: Awaited<ReturnType<typeof startDemoReceiver>>;
  // The endpoint the post-webhook-endpoint sample makes has a secret the receiver does not know: its deliveries go here.
  const sink = http.createServer((request, response) => request.resume().on('end', () => response.writeHead(204).end()));

  beforeAll(async () => {
    receiver = await startDemoReceiver({ port: 0, secret: () => secret, onDelivery: (delivery) => deliveries.push(delivery) });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    [seed, environments] = await Promise.all([
      seedDemo(stack(), { webhookUrl: receiver.url, log: () => undefined, onEndpointSecret: (made) => (secret = made) }),
      localFunctionEnvironments(stack()),
    ]);
  }, 120_000);

  afterAll(async () => {
    await receiver?.close();
    sink.closeAllConnections();
    sink.close();
  });

  const invoke = async (sample: string, values: DemoSeed) => {
    const functionName = sample.split('/')[0]!;
    const event = await loadEvent(path.join(eventsDir, sample), stack(), () => values);
    return (await invokeHandler(functionName, event, environments.of(functionName), 'bundle', environments.handlerOf(functionName))) as { statusCode?: number; body?: string };
  };

  /** A manual hold of the seed's merchant, made now, so it is far from the test stack's 20 s expiry. */
  const freshHold = async (spec: (typeof demo.payments)['held' | 'to_cancel']) => {
    const created = await api('POST', '/v1/payments', { key: seed.api_key, body: { ...spec, asset: demo.asset, chain: demo.chain, destination: demo.destination } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };

  const freshSpareEndpoint = async () => {
    const created = await api('POST', '/v1/webhook_endpoints', { key: seed.api_key, body: { url: receiver.url, events: ['webhook_endpoint.disabled'] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };

  const newConnectionId = () => `${randomBytes(9).toString('base64').replace(/[+/]/g, 'A')}=`;

  /** A connection of its own, opened by the $connect sample. */
  const openConnection = async () => {
    const values = { ...seed, realtime_connection_id: newConnectionId() };
    expect((await invoke('realtime/connect-with-token.json', values)).statusCode).toBe(200);
    return values.realtime_connection_id;
  };

  /**
   * The values a sample's placeholders take: the shared seed, except for what the sample uses up or
   * changes, which it gets of its own. So no sample depends on another having run before it, or not.
   */
  const valuesFor = async (sample: string): Promise<DemoSeed> => {
    switch (sample) {
      case 'settle/post-payment-capture-partial.json':
        return { ...seed, payments: { ...seed.payments, held: await freshHold(demo.payments.held) } };
      case 'settle/post-payment-cancel.json':
        return { ...seed, payments: { ...seed.payments, to_cancel: await freshHold(demo.payments.to_cancel) } };
      case 'webhooks/delete-spare-webhook-endpoint.json':
      case 'webhooks/post-rotate-secret-spare-endpoint.json':
        return { ...seed, spare_endpoint_id: await freshSpareEndpoint() };
      case 'webhooks/post-webhook-endpoint.json':
        return { ...seed, webhook_url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/webhooks` };
      case 'realtime/connect-with-token.json':
      case 'realtime/default-unknown-action.json':
        return { ...seed, realtime_connection_id: newConnectionId() };
      case 'realtime/subscribe-to-payment.json':
      case 'realtime/disconnect.json':
        return { ...seed, realtime_connection_id: await openConnection() };
      default:
        return seed;
    }
  };

  it('covers every function serverless.yml declares, and names only those', () => {
    const covered = new Set(samples.map((sample) => sample.split('/')[0]));
    expect([...covered].sort()).toEqual([...environments.names].sort());
  });

  it.each(samples)('%s is taken by its function', async (sample) => {
    const values = await valuesFor(sample);

    const result = await invoke(sample, values);

    expect(judge(result)).toEqual({ accepted: true });
    if (typeof result?.statusCode !== 'number') return;
    expect(expectedStatus[sample], `${sample} answers HTTP: add its status to expectedStatus`).toBeDefined();
    expect(result.statusCode, result.body).toBe(expectedStatus[sample]);
    const body = expectedBody[sample];
    if (body) expect(JSON.parse(result.body!)).toMatchObject(body(values) as object);
  });

  it('seeds a merchant whose events reach the demo receiver, signed and verified', async () => {
    const authorized = await waitFor('the held payment\'s authorization to be delivered', () =>
      deliveries.find((delivery) => delivery.id === seed.events.held_authorized), { timeoutMs: 30_000 });
    expect(authorized).toMatchObject({ verified: true, type: 'payment.authorized', objectId: seed.payments.held });
    expect(deliveries.filter((delivery) => !delivery.verified)).toEqual([]);
  });
});
