import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSeed } from '../../bin/demo/demo-file.js';
import { startDemoReceiver, type ReceivedDelivery } from '../../bin/demo/receiver.js';
import { seedDemo } from '../../bin/demo/seed.js';
import { localFunctionEnvironments, type FunctionEnvironments } from '../../scripts/invoke/environment.js';
import { invokeHandler, judge, loadEvent } from '../../scripts/invoke/invoke.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const eventsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'events');

/** events/<function>/<sample>.json, as `function/sample.json`. */
const samples = fs
  .readdirSync(eventsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) => fs.readdirSync(path.join(eventsDir, dir.name)).filter((file) => file.endsWith('.json')).map((file) => `${dir.name}/${file}`));

// The test stack expires holds after 20 s (test/setup/global-setup.ts): the samples that settle a
// hold run first. The samples that end something (a connection, the spare endpoint) run last.
const first = ['settle/post-payment-capture-partial.json', 'settle/post-payment-cancel.json'];
const last = ['webhooks/delete-spare-webhook-endpoint.json', 'realtime/disconnect.json'];
const ordered = [...first, ...samples.filter((s) => !first.includes(s) && !last.includes(s)).sort(), ...last];

describe('the sample events in events/, after `lanepay demo seed`', () => {
  let seed: DemoSeed;
  let secret: string | undefined;
  let environments: FunctionEnvironments;
  const deliveries: ReceivedDelivery[] = [];
  let receiver: Awaited<ReturnType<typeof startDemoReceiver>>;

  beforeAll(async () => {
    receiver = await startDemoReceiver({ port: 0, secret: () => secret, onDelivery: (delivery) => deliveries.push(delivery) });
    [seed, environments] = await Promise.all([
      seedDemo(stack(), { webhookUrl: receiver.url, log: () => undefined, onEndpointSecret: (made) => (secret = made) }),
      localFunctionEnvironments(stack()),
    ]);
  }, 120_000);

  afterAll(() => receiver?.close());

  it('covers every function serverless.yml declares, and names only those', () => {
    const covered = new Set(samples.map((sample) => sample.split('/')[0]));
    expect([...covered].sort()).toEqual([...environments.names].sort());
  });

  it.each(ordered)('%s is taken by its function', async (sample) => {
    const functionName = sample.split('/')[0]!;
    const event = await loadEvent(path.join(eventsDir, sample), stack(), () => seed);
    const result = (await invokeHandler(functionName, event, environments.of(functionName), 'bundle', environments.handlerOf(functionName))) as { statusCode?: number; body?: string };

    expect(judge(result)).toEqual({ accepted: true });
    if (typeof result?.statusCode !== 'number') return;
    // An HTTP sample must succeed, not merely avoid a 5xx: a 4xx means the sample has rotted.
    // Only a hold the test stack expired before its settle sample ran may answer 409.
    const expiredHold = first.includes(sample) && result.statusCode === 409 && /is expired|authorization expired at/.test(result.body ?? '');
    if (!expiredHold) expect(result.statusCode, result.body).toBeLessThan(300);
    expect(result.statusCode).toBeGreaterThanOrEqual(200);
  });

  // After the samples, which must settle the seed's holds before the test stack expires them.
  it('seeds a merchant whose events reach the demo receiver, signed and verified', async () => {
    const authorized = await waitFor('the held payment\'s authorization to be delivered', () =>
      deliveries.find((delivery) => delivery.id === seed.events.held_authorized), { timeoutMs: 30_000 });
    expect(authorized).toMatchObject({ verified: true, type: 'payment.authorized', objectId: seed.payments.held });
    expect(deliveries.filter((delivery) => !delivery.verified)).toEqual([]);
  });
});
