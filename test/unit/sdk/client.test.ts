import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Lanepay, LanepayApiError, LanepayAuthenticationError, LanepayConnectionError, LanepayIdempotencyError, LanepayInvalidRequestError,
  LanepayPaymentDeclinedError, LanepayRateLimitError, LanepayServerError, LanepayTimeoutError,
} from '../../../sdk/src/index.js';
import { problem, startScriptedServer, type ScriptedAnswer } from '../../support/scripted-server.js';
import { waitFor } from '../../support/wait.js';

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function api(answer: Parameters<typeof startScriptedServer>[0]) {
  const server = await startScriptedServer(answer);
  servers.push(server);
  return { server, client: new Lanepay({ apiKey: 'sk_test_unit', baseUrl: server.baseUrl, maxRetries: 2 }) };
}

const payment = { id: 'pay_01', object: 'payment', status: 'authorized' };
const createParams = { amount: '1000', asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7' };
const inSequence = (...answers: ScriptedAnswer[]) => (_request: unknown, index: number) => answers[Math.min(index, answers.length - 1)]!;

describe('Lanepay client requests', () => {
  it('sends the key, JSON body and a generated Idempotency-Key on payments.create', async () => {
    const { server, client } = await api(() => ({ status: 201, body: payment }));
    const created = await client.payments.create(createParams);
    expect(created).toEqual(payment);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/payments', body: JSON.stringify(createParams) });
    expect(request!.headers.authorization).toBe('Bearer sk_test_unit');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the caller\'s Idempotency-Key when given one', async () => {
    const { server, client } = await api(() => ({ status: 200, body: payment }));
    await client.payments.capture('pay_01', { amount: '5' }, { idempotencyKey: 'order-42-capture' });
    expect(server.requests[0]).toMatchObject({ url: '/v1/payments/pay_01/capture', body: '{"amount":"5"}' });
    expect(server.requests[0]!.headers['idempotency-key']).toBe('order-42-capture');
  });
});

describe('Lanepay client refunds', () => {
  it('posts a charge\'s refund with an Idempotency-Key, and reads refunds by id, in all and per charge', async () => {
    const refund = { id: 're_01', object: 'refund', status: 'processing' };
    const { server, client } = await api((request) => ({ status: request.method === 'POST' ? 201 : 200, body: request.url.startsWith('/v1/refunds/') ? refund : request.method === 'POST' ? refund : { object: 'list', data: [refund], has_more: false } }));
    expect(await client.refunds.create('ch_01', { destination: createParams.destination, amount: 'excess' })).toEqual(refund);
    expect(await client.refunds.retrieve('re_01')).toEqual(refund);
    expect((await client.refunds.list({ limit: 1 })).data).toEqual([refund]);
    expect((await client.refunds.listForCharge('ch_01')).data).toEqual([refund]);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/charges/ch_01/refunds', 'GET /v1/refunds/re_01', 'GET /v1/refunds?limit=1', 'GET /v1/charges/ch_01/refunds']);
    expect(server.requests[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Lanepay client reports', () => {
  it('posts a report request with an Idempotency-Key and reads the report by id', async () => {
    const report = { id: 'rpt_01', object: 'report', status: 'pending' };
    const { server, client } = await api((request) => ({ status: request.method === 'POST' ? 201 : 200, body: report }));
    const params = { type: 'charges' as const, interval: { start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' }, format: 'parquet' as const };
    expect(await client.reports.create(params)).toEqual(report);
    expect(await client.reports.retrieve('rpt_01')).toEqual(report);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/reports', 'GET /v1/reports/rpt_01']);
    expect(server.requests[0]!.body).toBe(JSON.stringify(params));
    expect(server.requests[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Lanepay client retries', () => {
  it('retries a 503 after the Retry-After it names, with the same Idempotency-Key on every attempt', async () => {
    const { server, client } = await api(inSequence(
      { status: 503, body: problem('internal_error', 503), headers: { 'Retry-After': '1' } },
      { status: 201, body: payment },
    ));
    expect(await client.payments.create(createParams)).toEqual(payment);
    const [first, second] = server.requests;
    expect(server.requests).toHaveLength(2);
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    // Without Retry-After the first backoff is at most 500 ms.
    expect(second!.receivedAtMs - first!.receivedAtMs).toBeGreaterThanOrEqual(990);
  });

  it('retries 409 idempotency_key_in_use and 429, keeping the key, then answers', async () => {
    const { server, client } = await api(inSequence(
      { status: 409, body: problem('idempotency_key_in_use', 409), headers: { 'Retry-After': '0' } },
      { status: 429, body: problem('rate_limited', 429), headers: { 'Retry-After': '0' } },
      { status: 200, body: payment },
    ));
    expect(await client.payments.cancel('pay_01')).toEqual(payment);
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with LanepayServerError carrying the last answer', async () => {
    const { server, client } = await api(() => ({ status: 500, body: problem('internal_error', 500), headers: { 'Retry-After': '0' } }));
    const error = await client.payments.retrieve('pay_01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LanepayServerError);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 and throws its problem+json fields', async () => {
    const body = problem('validation_error', 400, { instance: '/v1/payments', errors: [{ field: 'amount', message: 'must be a positive integer' }] });
    const { server, client } = await api(() => ({ status: 400, body, headers: { 'Request-Id': 'req_123' } }));
    const error = await client.payments.create(createParams).catch((e: unknown) => e);
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(LanepayInvalidRequestError);
    expect(error).toBeInstanceOf(LanepayApiError);
    expect(error).toMatchObject({
      type: 'https://lanepay.dev/problems/validation_error', title: 'validation error', status: 400, detail: 'detail of validation_error',
      code: 'validation_error', instance: '/v1/payments', extra: { errors: [{ field: 'amount', message: 'must be a positive integer' }] }, requestId: 'req_123',
    });
  });

  it('does not retry a POST the API does not deduplicate (webhook endpoint creation) on a 503', async () => {
    const { server, client } = await api(() => ({ status: 503, body: problem('internal_error', 503), headers: { 'Retry-After': '0' } }));
    await expect(client.webhookEndpoints.create({ url: 'https://example.com/hooks', events: ['*'] })).rejects.toBeInstanceOf(LanepayServerError);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['idempotency-key']).toBeUndefined();
  });

  it('retries any POST refused with 503 try_again, which the API answers when nothing was written', async () => {
    const { server, client } = await api(inSequence(
      { status: 503, body: problem('try_again', 503), headers: { 'Retry-After': '0' } },
      { status: 201, body: { id: 'we_01', object: 'webhook_endpoint', secret: 'whsec_x' } },
    ));
    expect(await client.webhookEndpoints.create({ url: 'https://example.com/hooks', events: ['*'] })).toMatchObject({ id: 'we_01' });
    expect(server.requests).toHaveLength(2);
  });

  it('types refusals by family: 401 authentication, 402 declined with the payment, 422 idempotency, 429 rate limit', async () => {
    const answers: Record<string, ScriptedAnswer> = {
      '/v1/balances': { status: 401, body: problem('unauthorized', 401) },
      '/v1/payments': { status: 402, body: problem('payment_declined', 402, { decline_code: 'insufficient_funds', payment: { id: 'pay_02', status: 'declined' } }) },
      '/v1/payments/pay_01/cancel': { status: 422, body: problem('idempotency_error', 422) },
      '/v1/events/evt_01': { status: 429, body: problem('rate_limited', 429), headers: { 'Retry-After': '0' } },
    };
    const { client } = await api((request) => answers[request.url]!);
    await expect(client.balances.retrieve()).rejects.toBeInstanceOf(LanepayAuthenticationError);
    const declined = await client.payments.create(createParams).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(LanepayPaymentDeclinedError);
    expect(declined).toMatchObject({ code: 'payment_declined', extra: { decline_code: 'insufficient_funds', payment: { id: 'pay_02' } } });
    await expect(client.payments.cancel('pay_01')).rejects.toBeInstanceOf(LanepayIdempotencyError);
    await expect(client.events.retrieve('evt_01', { maxRetries: 0 })).rejects.toBeInstanceOf(LanepayRateLimitError);
  });

  it('reads a gateway page that is not problem+json as an API error with its status', async () => {
    const { client } = await api(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    const error = await client.balances.retrieve({ maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LanepayServerError);
    expect(error).toMatchObject({ status: 502, code: 'http_502', detail: '<html>Bad Gateway</html>' });
  });
});

describe('Lanepay client timeouts and connections', () => {
  it('ends an unanswered attempt when its timeoutMs timer fires, with LanepayTimeoutError, and not before', async () => {
    // The timer is the test's: it fires when told, so no wall-clock window is asserted.
    const timers: { ms: number; controller: AbortController }[] = [];
    const timeout = vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
      const controller = new AbortController();
      timers.push({ ms, controller });
      return controller.signal;
    });
    try {
      const { server } = await api(() => ({ status: 200, hang: true }));
      const client = new Lanepay({ apiKey: 'sk_test_unit', baseUrl: server.baseUrl, timeoutMs: 200, maxRetries: 0 });
      let settled = false;
      const call = client.payments.retrieve('pay_01').catch((e: unknown) => e).finally(() => (settled = true));
      await waitFor('the attempt to reach the server', () => (server.requests.length === 1 ? true : undefined));

      expect(timers.map((timer) => timer.ms)).toEqual([200]);
      expect(settled).toBe(false);
      timers[0]!.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      const error = await call;

      expect(error).toBeInstanceOf(LanepayTimeoutError);
      expect((error as Error).message).toContain('within 200 ms');
      expect(server.requests).toHaveLength(1);
    } finally {
      timeout.mockRestore();
    }
  });

  it('retries a timed-out payments.create with the same Idempotency-Key', async () => {
    const { server } = await api((_request, index) => (index === 0 ? { status: 200, hang: true } : { status: 201, body: payment }));
    const client = new Lanepay({ apiKey: 'sk_test_unit', baseUrl: server.baseUrl, timeoutMs: 200, maxRetries: 1 });
    expect(await client.payments.create(createParams)).toEqual(payment);
    expect(server.requests[1]!.headers['idempotency-key']).toBe(server.requests[0]!.headers['idempotency-key']);
  });

  it('stops waiting for a retry when the caller aborts, with the signal\'s reason', async () => {
    const { server, client } = await api(() => ({ status: 503, body: problem('internal_error', 503), headers: { 'Retry-After': '30' } }));
    const controller = new AbortController();
    const call = client.payments.retrieve('pay_01', { signal: controller.signal });
    await waitFor('the first attempt', () => (server.requests.length === 1 ? true : undefined));
    controller.abort(new Error('shutting down'));
    await expect(call).rejects.toThrow('shutting down');
    expect(server.requests).toHaveLength(1);
  });

  it('throws LanepayConnectionError (not a timeout) when nothing listens', async () => {
    const { server } = await api(() => ({ status: 200 }));
    const client = new Lanepay({ apiKey: 'sk_test_unit', baseUrl: server.baseUrl, maxRetries: 0 });
    await server.close();
    const error = await client.balances.retrieve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LanepayConnectionError);
    expect(error).not.toBeInstanceOf(LanepayTimeoutError);
  });
});

describe('Lanepay client pagination', () => {
  const ids = Array.from({ length: 25 }, (_, i) => `pay_${String(25 - i).padStart(2, '0')}`);
  const pages = (request: { url: string }): ScriptedAnswer => {
    const query = new URL(request.url, 'http://x').searchParams;
    const limit = Number(query.get('limit') ?? 10);
    const after = query.get('starting_after');
    const start = after ? ids.indexOf(after) + 1 : 0;
    const data = ids.slice(start, start + limit).map((id) => ({ id, object: 'payment' }));
    return { status: 200, body: { object: 'list', data, has_more: start + limit < ids.length } };
  };

  it('walks every page with for await, passing the last id of each page as starting_after', async () => {
    const { server, client } = await api(pages);
    const seen: string[] = [];
    for await (const item of client.payments.list({ limit: 10 })) seen.push(item.id);
    expect(seen).toEqual(ids);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/payments?limit=10', '/v1/payments?limit=10&starting_after=pay_16', '/v1/payments?limit=10&starting_after=pay_06',
    ]);
  });

  it('answers one page when awaited, and stops fetching when the loop breaks', async () => {
    const { server, client } = await api(pages);
    const page = await client.payments.list({ limit: 3 });
    expect(page).toMatchObject({ object: 'list', has_more: true });
    expect(page.data.map((p) => p.id)).toEqual(ids.slice(0, 3));
    expect(await client.payments.list({ limit: 4 }).toArray(6)).toHaveLength(6);
    expect(server.requests).toHaveLength(3);
  });

  it('keeps a balance transactions list\'s filters on every page it fetches', async () => {
    const { server, client } = await api(pages);
    const seen = await client.balances.transactions({ limit: 10, type: 'payment', 'created[gte]': '2026-12-01T00:00:00Z' }).toArray();
    expect(seen).toHaveLength(25);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/balance_transactions?limit=10&type=payment&created%5Bgte%5D=2026-12-01T00%3A00%3A00Z',
      '/v1/balance_transactions?limit=10&type=payment&created%5Bgte%5D=2026-12-01T00%3A00%3A00Z&starting_after=pay_16',
      '/v1/balance_transactions?limit=10&type=payment&created%5Bgte%5D=2026-12-01T00%3A00%3A00Z&starting_after=pay_06',
    ]);
  });
});
