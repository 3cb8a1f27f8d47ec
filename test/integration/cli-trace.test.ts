import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowLabel, type Timeline, type TimelineRow } from '#platform';
import { api } from '../support/api.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { waitFor } from '../support/wait.js';
import { startReceiver } from '../support/webhook-receiver.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

/**
 * The payout's own path, the same on every run: the request's `payment.authorized` event (no
 * endpoint takes it) and the fan-out of `payment.processing` run beside chain-submit in either
 * order, so they are left out here and counted apart; the checks before the confirming one repeat
 * as many times as blocks take, so a run of them is one step.
 */
function payoutPath(rows: TimelineRow[]): string[] {
  const aside = (row: TimelineRow) =>
    (row.kind === 'wait' && (row.eventType === 'payment.authorized' || (row.source === 'notify' && row.eventType === 'payment.processing'))) ||
    (row.kind === 'invocation' && row.eventTypes.length > 0 && row.eventTypes.every((type) => type === 'payment.authorized' || (row.function === 'notify' && type === 'payment.processing')));
  const labels = rows.filter((row) => !aside(row)).map(rowLabel);
  return labels.filter((label, i) => !(label.endsWith('chain-check') && labels[i + 2] === label));
}

describe('lanepay trace on the local stack', () => {
  beforeAll(async () => {
    cli = cliAgainstTestStack();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    cli.cleanup();
    await receiver.close();
  });

  it('follows a payout from its request to its webhook: every step in order, every line in one trace', async () => {
    const merchant = await fundedMerchant(usdc(10));
    const endpoint = await api('POST', '/v1/webhook_endpoints', { key: merchant.api_key, body: { url: receiver.url('/trace'), events: ['payment.succeeded'] } });
    expect(endpoint.status).toBe(201);
    const created = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress() } });
    expect(created.status).toBe(201);
    const paymentId = (created.body as { id: string }).id;

    await waitFor('the payment.succeeded webhook', () => receiver.at('/trace').find((r) => r.body.includes(paymentId)), { timeoutMs: 90_000, intervalMs: 250 });
    // The attempt's line is logged once the receiver answered: wait until the trace shows it.
    const timeline = await waitFor('the delivery attempt in the trace', async () => {
      const run = await cli.run(['trace', paymentId, '--json']);
      if (run.code !== 0) return undefined;
      const parsed = JSON.parse(run.stdout) as Timeline;
      // webhook-deliver logs its invocation's end (its duration) after the attempt's line: wait for both.
      const ended = parsed.rows.filter((row) => row.kind === 'invocation').every((row) => row.durationMs !== null);
      return parsed.rows.some((row) => row.kind === 'delivery') && ended ? parsed : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });

    expect(payoutPath(timeline.rows)).toEqual([
      'authorize',
      'wait stream', 'outbox-relay',
      'wait chain-submit', 'chain-submit', 'chain broadcast',
      'wait chain-check', 'chain-check', 'chain confirmed',
      'wait stream', 'outbox-relay',
      'wait notify', 'notify',
      'wait webhook-delivery', 'webhook-deliver', 'delivery 200',
    ]);
    // Beside the path: the request's two events went through the relay and notify too, in the same trace.
    expect(timeline.rows.filter((row) => row.kind === 'wait' && row.source === 'notify').map((row) => (row as { eventType: string }).eventType).sort())
      .toEqual(['payment.authorized', 'payment.processing', 'payment.succeeded']);

    expect(timeline.traceIds).toHaveLength(1);
    expect(timeline.traceIds[0]).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(new Set(timeline.lines.map((line) => line.traceId))).toEqual(new Set(timeline.traceIds));

    const paid = (await api('GET', `/v1/payments/${paymentId}`, { key: merchant.api_key })).body as { tx_hash: string };
    const chainRows = timeline.rows.filter((row) => row.kind === 'chain');
    expect(chainRows.map((row) => row.txHash)).toEqual([paid.tx_hash, paid.tx_hash]);
    expect(chainRows[1]!.block).toBeTypeOf('number');
    const invocations = timeline.rows.filter((row) => row.kind === 'invocation');
    expect(invocations.filter((row) => row.durationMs === null).map((row) => row.function)).toEqual([]);
    const delivery = timeline.rows.find((row) => row.kind === 'delivery')!;
    expect(delivery).toMatchObject({ statusCode: 200, attempt: 1, error: null });

    const table = await cli.run(['trace', paymentId]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe(`${paymentId}  trace ${timeline.traceIds[0]}`);
  }, 150_000);

  it('refuses an id that is neither a payment nor a charge', async () => {
    const run = await cli.run(['trace', 'evt_01kbz0000000000000000000000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Usage: lanepay trace <pay_…|ch_…>');
  });
});
