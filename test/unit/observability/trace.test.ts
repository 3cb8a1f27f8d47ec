import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { httpHandler } from '#api/http/handler.js';
import { isTraceHeader, logger, mintTraceHeader, traceHeaderFor, traceIdOf, traceMessageAttributes, withTrace, withTraces } from '#platform';

/** The JSON lines the logger printed while `work` ran (Powertools writes one document per line outside dev mode). */
async function logged(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
  try {
    await work();
  } finally {
    write.mockRestore();
  }
  return chunks.join('').split('\n').filter((line) => line.startsWith('{') && line.includes('"level"')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const headerA = 'Root=1-67a0b1c2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';
const headerB = 'Root=1-67a0b1c3-fedcba9876543210fedcba98;Sampled=1';

describe('X-Ray trace headers', () => {
  it('mints a header in X-Ray\'s format whose root starts with the epoch seconds in hex', () => {
    const header = mintTraceHeader(Date.UTC(2026, 0, 1));
    expect(header).toMatch(/^Root=1-6955b900-[0-9a-f]{24};Sampled=1$/);
    expect(isTraceHeader(header)).toBe(true);
    expect(mintTraceHeader()).not.toBe(mintTraceHeader());
  });

  it('takes the root of a header whatever its other fields, and refuses a malformed one', () => {
    expect(traceIdOf(headerA)).toBe('1-67a0b1c2-0123456789abcdef01234567');
    expect(traceIdOf('Sampled=1;Root=1-67a0b1c2-0123456789abcdef01234567')).toBe('1-67a0b1c2-0123456789abcdef01234567');
    expect(traceIdOf('Root=1-67a0b1c2-0123;Sampled=1')).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });

  it('sends a trace as the AWSTraceHeader system attribute, and nothing without one', () => {
    expect(traceMessageAttributes(headerA)).toEqual({ MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: headerA } } });
    expect(traceMessageAttributes(undefined)).toEqual({});
  });

  it('gives work about an object of a batch that object\'s trace, and other work the record\'s', () => {
    withTraces(new Map([['pay_a', headerA], ['pay_b', headerB]]), () => {
      expect(traceHeaderFor('pay_a')).toBe(headerA);
      expect(traceHeaderFor('pay_b')).toBe(headerB);
      expect(traceHeaderFor('pay_c')).toBeUndefined();
      withTrace({ header: headerB, subject: 'pay_b' }, () => expect(traceHeaderFor('pay_c')).toBe(headerB));
    });
    expect(traceHeaderFor('pay_a')).toBeUndefined();
  });
});

describe('trace keys on log lines', () => {
  it('gives each record of a batch worked on in parallel its own trace and payment id', async () => {
    const lines = await logged(() => Promise.all([
      withTrace({ header: headerA, subject: 'pay_a' }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.info('record a');
      }),
      withTrace({ header: headerB, subject: 'ch_b' }, async () => logger.info('record b')),
    ]));
    expect(lines.find((line) => line.message === 'record a')).toMatchObject({ trace_id: traceIdOf(headerA), payment_id: 'pay_a' });
    expect(lines.find((line) => line.message === 'record b')).toMatchObject({ trace_id: traceIdOf(headerB), charge_id: 'ch_b' });
    expect(lines.find((line) => line.message === 'record b')).not.toHaveProperty('payment_id');
  });

  it('gives a batch-wide line naming one payment that payment\'s trace, and a line outside any scope none', async () => {
    const lines = await logged(async () => {
      await withTraces(new Map([['pay_a', headerA], ['pay_b', headerB]]), async () => logger.info('payout broadcast', { payment_id: 'pay_b' }));
      logger.info('outside');
    });
    expect(lines[0]).toMatchObject({ message: 'payout broadcast', payment_id: 'pay_b', trace_id: traceIdOf(headerB) });
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('payment_id');
  });

  it('keeps one invocation\'s payment and trace off the next invocation in a warm container', async () => {
    const event = (traceHeader: string) => ({
      httpMethod: 'POST', path: '/v1/payments', resource: '/v1/payments', headers: { 'X-Amzn-Trace-Id': traceHeader }, body: null,
      requestContext: { requestId: 'req-1', authorizer: { merchantId: 'mer_1' } },
    }) as unknown as APIGatewayProxyEvent;
    const context = { functionName: 'authorize', awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 3000 } as unknown as Context;
    let invocation = 0;
    const handler = httpHandler({ authenticated: true }, async () => {
      invocation += 1;
      if (invocation === 1) logger.appendKeys({ payment_id: 'pay_first' });
      logger.info(`invocation ${invocation}`);
      return { status: 200, body: {} };
    });

    const lines = await logged(async () => {
      await handler(event(headerA), context);
      await handler(event(headerB), context);
    });

    expect(lines.find((line) => line.message === 'invocation 1')).toMatchObject({ payment_id: 'pay_first', trace_id: traceIdOf(headerA) });
    const second = lines.find((line) => line.message === 'invocation 2')!;
    expect(second.trace_id).toBe(traceIdOf(headerB));
    expect(second).not.toHaveProperty('payment_id');
  });

  it('mints a trace at the API edge for a request that came without one, a new one per request', async () => {
    const event = { httpMethod: 'GET', path: '/x', resource: '/x', headers: {}, body: null, requestContext: { requestId: 'req-2', authorizer: { merchantId: 'mer_1' } } } as unknown as APIGatewayProxyEvent;
    const context = { functionName: 'query', awsRequestId: 'aws-2', getRemainingTimeInMillis: () => 3000 } as unknown as Context;
    const handler = httpHandler({ authenticated: true }, async () => {
      logger.info('seen', { header: traceHeaderFor() });
      return { status: 200, body: {} };
    });
    const lines = await logged(async () => {
      await handler(event, context);
      await handler(event, context);
    });
    const seen = lines.filter((line) => line.message === 'seen');
    expect(seen).toHaveLength(2);
    for (const line of seen) expect(line.trace_id).toBe(traceIdOf(line.header as string));
    expect(seen[0]!.trace_id).not.toBe(seen[1]!.trace_id);
  });
});
