import { describe, expect, it } from 'vitest';
import type { Payment } from '#lib/money/payments/schemas.js';
import type { LanepayEvent } from '#lib/notify/events/schemas.js';
import type { OutboxItem } from '#lib/notify/outbox/items.js';
import { relayOutboxItems, type RelayDeps } from '#lib/notify/outbox/relay.js';
import { payoutsRequestedSchema } from '#lib/notify/outbox/submit-message.js';

type Sent = { name: string; input: any };

const merchantId = 'mer_01m8c0esfj0000000000000000';
const payment = (n: number, chain: string): Payment => ({
  id: `pay_01m8c0esfj00000000000000${String(n).padStart(2, '0')}`, object: 'payment', status: 'processing', amount: '1000000', amount_captured: '1000000',
  fee: '0', asset: 'USDC', chain, destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'automatic', customer: null, description: null,
  metadata: {}, created_at: '2026-12-07T01:00:00.000Z', expires_at: null, tx_hash: null, decline_code: null, failure_code: null,
});
const event = (n: number, type: 'payment.processing' | 'payment.succeeded' | 'payment.authorized', chain = 'local-a'): LanepayEvent => ({
  id: `evt_01m8c0esfj00000000000000${String(n).padStart(2, '0')}`, object: 'event', type, created_at: '2026-12-07T01:00:00.000Z', data: { object: payment(n, chain) },
});
const item = (e: LanepayEvent) => ({ entity: 'event', merchantId, body: e }) as OutboxItem;

/** Relay deps whose SQS client records each command and refuses the entries `refuse` names. */
function relayDeps(refuse: (queueUrl: string, body: string) => boolean = () => false) {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: any }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command.constructor.name !== 'SendMessageBatchCommand') return {};
      const entries = command.input.Entries as { Id: string; MessageBody: string }[];
      const Failed = entries.filter((e) => refuse(command.input.QueueUrl, e.MessageBody)).map((e) => ({ Id: e.Id, Code: 'InternalError', SenderFault: false }));
      return { Successful: entries.filter((e) => !Failed.some((f) => f.Id === e.Id)).map((e) => ({ Id: e.Id })), Failed };
    },
  } as any;
  const deps: RelayDeps & { sns: any; alertsTopicArn: string; treasuryQueueUrl: string } = {
    sqs: client, dynamodb: client, sns: client, tableName: 't', alertsTopicArn: 'arn:aws:sns:us-east-1:1:alerts', treasuryQueueUrl: 'http://sqs/treasury',
    notifyQueueUrl: 'http://sqs/notify', chainSubmitQueueUrl: 'http://sqs/chain-submit.fifo', flowTotalsQueueUrl: 'http://sqs/flow-totals', reportsQueueUrl: 'http://sqs/reports',
  };
  const batches = (queueUrl: string) => sent.filter((c) => c.name === 'SendMessageBatchCommand' && c.input.QueueUrl === queueUrl).map((c) => c.input.Entries as any[]);
  const marked = () => sent.filter((c) => c.name === 'UpdateItemCommand').map((c) => c.input.Key.pk.S as string);
  return { deps, batches, marked };
}

describe('outbox relay of a stream batch', () => {
  it('sends the treasury function its work (a transfer step, an owner\'s approval) beside the alerts topic, and other platform events to the alerts topic only', async () => {
    const { deps } = relayDeps();
    const sent: string[] = [];
    const platform = (n: number, type: string) => ({
      entity: 'platform-event',
      body: { id: `evt_01m8c0esfj0000000000000t${String(n).padStart(2, '0')}`, object: 'event', type, created_at: '2026-12-07T01:00:00.000Z', data: { object: { transfer: 'tt_0123456789abcdef' } } },
    }) as unknown as OutboxItem;
    const send = deps.sqs.send;
    deps.sqs = { send: async (command: any) => { if (command.constructor.name === 'SendMessageCommand') sent.push(`${command.input.QueueUrl} ${JSON.parse(command.input.MessageBody).type}`); return send(command); } } as any;

    const results = await relayOutboxItems(deps, [platform(1, 'treasury.proposal.approved_by'), platform(2, 'treasury.transfer.burned'), platform(3, 'treasury.transfer.succeeded'), platform(4, 'liquidity.low')]);

    expect(results.map((r) => ('targets' in r ? r.targets : r))).toEqual([['alerts', 'treasury'], ['alerts', 'treasury'], ['alerts'], ['alerts']]);
    expect(sent).toEqual(['http://sqs/treasury treasury.proposal.approved_by', 'http://sqs/treasury treasury.transfer.burned']);
  });

  it('sends every event to notify ten a call, and captured payments to chain-submit three a message, per chain, in order', async () => {
    const { deps, batches, marked } = relayDeps();
    const events = [
      ...Array.from({ length: 7 }, (_, i) => event(i, 'payment.processing', 'local-a')),
      event(7, 'payment.processing', 'local-b'),
      event(8, 'payment.authorized'),
      event(9, 'payment.succeeded'),
      ...Array.from({ length: 3 }, (_, i) => event(10 + i, 'payment.authorized')),
    ];

    const results = await relayOutboxItems(deps, events.map(item));

    expect(results.every((r) => !('error' in r))).toBe(true);
    expect(batches(deps.notifyQueueUrl).map((entries) => entries.length)).toEqual([10, 3]);
    expect(batches(deps.notifyQueueUrl).flat().map((e) => JSON.parse(e.MessageBody).id)).toEqual(events.map((e) => e.id));
    expect(batches(deps.flowTotalsQueueUrl).flat().map((e) => JSON.parse(e.MessageBody).id)).toEqual([events[9]!.id]);
    const submit = batches(deps.chainSubmitQueueUrl).flat();
    expect(submit.map((e) => [e.MessageGroupId, payoutsRequestedSchema.parse(JSON.parse(e.MessageBody)).events.map((x) => x.data.object.id)])).toEqual([
      ['hot-wallet:local-a', [payment(0, '').id, payment(1, '').id, payment(2, '').id]],
      ['hot-wallet:local-a', [payment(3, '').id, payment(4, '').id, payment(5, '').id]],
      ['hot-wallet:local-a', [payment(6, '').id]],
      ['hot-wallet:local-b', [payment(7, '').id]],
    ]);
    // One payment: deduplicated by its id, as before; several: by the hash of their ids.
    expect(submit[2].MessageDeduplicationId).toBe(payment(6, '').id);
    expect(submit[0].MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(marked().sort()).toEqual(events.map((e) => `EVENT#${e.id}`).sort());
  });

  it('sends a requested report (report.created) to the reports queue with its merchant, beside notify; report.ready only to notify', async () => {
    const { deps, batches } = relayDeps();
    const report = { id: 'rpt_01m8c0esfj0000000000000000', object: 'report', type: 'charges', format: 'csv', interval: { start: '2026-12-01T00:00:00.000Z', end: '2026-12-07T00:00:00.000Z' }, status: 'pending', row_count: null, mismatch_count: null, mismatches: null, created_at: '2026-12-07T01:00:00.000Z', completed_at: null } as const;
    const created = { id: 'evt_01m8c0esfj0000000000000r01', object: 'event', type: 'report.created', created_at: report.created_at, data: { object: report } } as LanepayEvent;
    const ready = { ...created, id: 'evt_01m8c0esfj0000000000000r02', type: 'report.ready', data: { object: { ...report, status: 'ready', row_count: 0 } } } as LanepayEvent;

    const results = await relayOutboxItems(deps, [created, ready, event(1, 'payment.authorized')].map(item));

    expect(results.map((r) => ('targets' in r ? r.targets : r))).toEqual([['notify', 'reports'], ['notify'], ['notify']]);
    const sent = batches(deps.reportsQueueUrl).flat();
    expect(sent.map((e) => JSON.parse(e.MessageBody).id)).toEqual([created.id]);
    expect(sent[0].MessageAttributes.merchantId.StringValue).toBe(merchantId);
    expect(batches(deps.notifyQueueUrl).flat()).toHaveLength(3);
  });

  it('fails the events of a refused message, every payment of it, and leaves them in the unrelayed index', async () => {
    const refused = event(4, 'payment.processing');
    const { deps, marked } = relayDeps((queueUrl, body) => queueUrl.endsWith('.fifo') && body.includes(refused.data.object.id));
    const events = Array.from({ length: 7 }, (_, i) => event(i, 'payment.processing'));

    const results = await relayOutboxItems(deps, events.map(item));

    // Payments 3, 4 and 5 went in one message: all three are relayed again; the others are done.
    expect(results.map((r) => 'error' in r)).toEqual([false, false, false, true, true, true, false]);
    expect(marked().sort()).toEqual([0, 1, 2, 6].map((i) => `EVENT#${events[i]!.id}`).sort());
  });
});

describe('outbox relay of traces', () => {
  const header = (n: number) => `Root=1-67a0b1c2-${String(n).padStart(24, '0')};Sampled=1`;

  it('sends each event with its own trace as AWSTraceHeader, and each payment\'s trace in a chain-submit message of several', async () => {
    const { deps, batches } = relayDeps();
    const events = [event(1, 'payment.processing'), event(2, 'payment.processing'), event(3, 'payment.authorized')];
    const items = [{ ...item(events[0]!), traceHeader: header(1) }, { ...item(events[1]!), traceHeader: header(2) }, item(events[2]!)] as OutboxItem[];

    await relayOutboxItems(deps, items);

    expect(batches(deps.notifyQueueUrl).flat().map((e) => e.MessageSystemAttributes?.AWSTraceHeader.StringValue)).toEqual([header(1), header(2), undefined]);
    const [submit] = batches(deps.chainSubmitQueueUrl).flat();
    expect(submit.MessageSystemAttributes.AWSTraceHeader.StringValue).toBe(header(1));
    expect(payoutsRequestedSchema.parse(JSON.parse(submit.MessageBody)).traceHeaders).toEqual({ [events[0]!.id]: header(1), [events[1]!.id]: header(2) });
  });
});
