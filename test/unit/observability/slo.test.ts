import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { httpHandler } from '#api/http/handler.js';
import { sloConfig } from '../../../bin/slo/config.js';
import { parseEmfLine, reportRow, tallyFromData, type MetricDatum, type Slo } from '#platform';

const config = sloConfig();
const slo = (id: string): Slo => config.slos.find((s) => s.id === id)!;
const datum = (service: string, values: Record<string, number[]>, metadata: Record<string, unknown> = {}): MetricDatum => ({ service, timestampMs: 0, values, metadata });

/** What the functions print: the EMF documents of one invocation, captured from stdout. */
async function emfOf(invoke: () => Promise<unknown>): Promise<MetricDatum[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n'));
    return true;
  });
  try {
    await invoke();
  } finally {
    write.mockRestore();
  }
  return lines.flatMap((line) => parseEmfLine(line) ?? []);
}

const event = { httpMethod: 'POST', path: '/v1/payments', resource: '/v1/payments', headers: {}, body: null, requestContext: { requestId: 'req-1', authorizer: { merchantId: 'mer_1' } } } as unknown as APIGatewayProxyEvent;
const context = { functionName: 'authorize', awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 3000 } as unknown as Context;

describe('API SLI metrics', () => {
  it('records a request answered with a 5xx as a server error, with its problem code and merchant as metadata', async () => {
    const failing = httpHandler({ authenticated: true }, async () => { throw new Error('a bug'); });
    const [emitted] = await emfOf(() => failing(event, context));
    expect(emitted!.values.ApiRequests).toEqual([1]);
    expect(emitted!.values.ApiServerErrors).toEqual([1]);
    expect(emitted!.values.ApiLatency).toHaveLength(1);
    expect(emitted!.metadata).toMatchObject({ code: 'internal_error', merchantId: 'mer_1' });
  });

  it('records a request refused with a 4xx as a good event', async () => {
    const refusing = httpHandler({ authenticated: true, body: z.strictObject({ amount: z.string() }) }, async () => ({ status: 200, body: {} }));
    const [emitted] = await emfOf(() => refusing({ ...event, body: '{"amount": 5}' }, context));
    expect(emitted!.values.ApiRequests).toEqual([1]);
    expect(emitted!.values.ApiServerErrors).toEqual([0]);
    expect(emitted!.metadata.code).toBeUndefined();
  });
});

describe('SLO tallies and budgets', () => {
  it('counts a ratio SLO from sums of its metrics, and its bad events by problem code', () => {
    const tally = tallyFromData(slo('authorize-availability'), [
      datum('authorize', { ApiRequests: [1], ApiServerErrors: [0] }),
      datum('authorize', { ApiRequests: [1], ApiServerErrors: [1] }, { code: 'try_again' }),
      datum('authorize', { ApiRequests: [1], ApiServerErrors: [1] }, { code: 'internal_error' }),
      datum('authorize', { ApiRequests: [1], ApiServerErrors: [1] }, { code: 'try_again' }),
      datum('settle', { ApiRequests: [1], ApiServerErrors: [1] }, { code: 'try_again' }),
    ]);
    expect(tally).toEqual({ events: 4, bad: 3, causes: new Map([['try_again', 2], ['internal_error', 1]]) });
  });

  it('counts each sample of a threshold SLO, bad above the threshold and not at it', () => {
    const tally = tallyFromData(slo('chain-watch-lag'), [
      datum('chain-watch', { ChainWatchLagBlocks: [3] }, { chain: 'local-a' }),
      datum('chain-watch', { ChainWatchLagBlocks: [4] }, { chain: 'local-b' }),
      datum('chain-watch', { ChainWatchLagBlocks: [1, 9] }, { chain: 'local-b' }),
    ]);
    expect(tally).toEqual({ events: 4, bad: 2, causes: new Map([['local-b', 2]]) });
  });

  it('spends exactly the whole budget when the bad share equals 100 % minus the objective', () => {
    const row = reportRow(slo('authorize-availability'), { events: 20_000, bad: 10, causes: new Map([['try_again', 10]]) });
    expect(row).toEqual({
      id: 'authorize-availability', title: slo('authorize-availability').title, objective: 99.95,
      events: 20_000, bad: 10, sli: 99.95, budgetSpent: 100, topCauses: [{ cause: 'try_again', events: 10 }],
    });
  });

  it('reports no good share and nothing spent for an SLO without events', () => {
    expect(reportRow(slo('forecast-freshness'), { events: 0, bad: 0, causes: new Map() })).toMatchObject({ events: 0, sli: null, budgetSpent: 0, topCauses: [] });
  });

  it('ignores log lines that are not EMF documents', () => {
    expect(parseEmfLine('{"level":"INFO","message":"payment authorized","service":"authorize"}')).toBeUndefined();
    expect(parseEmfLine('offline: POST /v1/payments (λ: authorize)')).toBeUndefined();
    expect(parseEmfLine('{"_aws": broken')).toBeUndefined();
  });
});
