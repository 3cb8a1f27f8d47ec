import { describe, expect, it } from 'vitest';
import {
  buildTimeline, formatTimeline, linesFromInsightsRows, LocalLogReader, objectLinesQuery, reportsFromInsightsRows, reportsQuery, rowLabel,
  traceLinesQuery, type LogLine,
} from '#platform';

const pay = 'pay_01kbz9q3w7c4d5e6f7g8h9j0ka';
const other = 'pay_01kbz9q3w7c4d5e6f7g8h9j0kb';
const trace = '1-67a0b1c2-0123456789abcdef01234567';
const otherTrace = '1-67a0b1c2-fedcba9876543210fedcba98';
const t0 = Date.UTC(2026, 11, 7, 12, 0, 0);

const line = (offsetMs: number, service: string, requestId: string, fields: Record<string, unknown>): LogLine => ({
  timestampMs: t0 + offsetMs, service, requestId, fields: { message: 'm', ...fields },
});

describe('a payment\'s timeline', () => {
  const lines: LogLine[] = [
    line(0, 'authorize', 'r1', { payment_id: pay, trace_id: trace, message: 'payment authorized' }),
    line(950, 'outbox-relay', 'r2', { payment_id: pay, trace_id: trace, step: 'received', source: 'stream', sent_at_ms: t0 + 20, waited_ms: 900, type: 'payment.processing' }),
    line(960, 'outbox-relay', 'r2', { payment_id: other, trace_id: otherTrace, step: 'received', source: 'stream', sent_at_ms: t0 + 30, waited_ms: 890 }),
    line(1400, 'chain-submit', 'r3', { payment_id: pay, step: 'chain', action: 'broadcast', chain: 'local-a', tx_hash: '0xabc', nonce: 7, trace_id: trace }),
    line(1450, 'chain-submit', 'r3', { payment_id: pay, trace_id: trace, step: 'received', source: 'chain-submit', sent_at_ms: t0 + 1000, waited_ms: 200 }),
    line(3300, 'chain-check', 'r4', { payment_id: pay, trace_id: trace, step: 'chain', action: 'confirmed', tx_hash: '0xabc', block: 42, nonce: 7 }),
    line(3310, 'chain-check', 'r4', { payment_id: pay, trace_id: trace, step: 'received', source: 'chain-check', sent_at_ms: t0 + 1460, waited_ms: 1800 }),
    // A line of the trace that names no object (a library's), and one of another payment's trace.
    line(4100, 'webhook-deliver', 'r5', { trace_id: trace, step: 'delivery', endpointId: 'we_1', attempt: 1, statusCode: 200, latencyMs: 31, error: null }),
    line(4200, 'webhook-deliver', 'r6', { trace_id: otherTrace, step: 'delivery', endpointId: 'we_1', attempt: 1, statusCode: 500, latencyMs: 9, error: 'HTTP 500' }),
  ];
  const reports = [{ requestId: 'r1', durationMs: 41.5 }, { requestId: 'r2', durationMs: 12 }, { requestId: 'r3', durationMs: 480 }, { requestId: 'r4', durationMs: 95 }];

  it('orders invocations, waits, chain transactions and deliveries, each wait just before the invocation that received it', () => {
    const timeline = buildTimeline(pay, lines, reports);
    expect(timeline.rows.map(rowLabel)).toEqual([
      'authorize', 'wait stream', 'outbox-relay', 'wait chain-submit', 'chain-submit', 'chain broadcast',
      'wait chain-check', 'chain-check', 'chain confirmed', 'webhook-deliver', 'delivery 200',
    ]);
    expect(timeline.traceIds).toEqual([trace]);
    expect(timeline.lines.every((l) => l.traceId === trace)).toBe(true);
  });

  it('carries each invocation\'s reported duration, each wait, the transaction\'s hash, nonce and block, and the attempt\'s status and latency', () => {
    const { rows } = buildTimeline(pay, lines, reports);
    expect(rows.find((r) => r.kind === 'invocation' && r.function === 'chain-submit')).toMatchObject({ durationMs: 480, requestId: 'r3', startMs: t0 + 1200 });
    expect(rows.find((r) => r.kind === 'invocation' && r.function === 'webhook-deliver')).toMatchObject({ durationMs: null });
    expect(rows.find((r) => r.kind === 'wait' && r.source === 'chain-check')).toEqual({ kind: 'wait', startMs: t0 + 1460, source: 'chain-check', waitedMs: 1800, eventType: null });
    expect(rows.filter((r) => r.kind === 'chain')).toEqual([
      { kind: 'chain', startMs: t0 + 1400, action: 'broadcast', chain: 'local-a', txHash: '0xabc', nonce: 7, block: null },
      { kind: 'chain', startMs: t0 + 3300, action: 'confirmed', chain: null, txHash: '0xabc', nonce: 7, block: 42 },
    ]);
    expect(rows.filter((r) => r.kind === 'delivery')).toEqual([{ kind: 'delivery', startMs: t0 + 4100, endpointId: 'we_1', attempt: 1, statusCode: 200, latencyMs: 31, error: null }]);
  });

  it('prints one row per step with its offset and duration', () => {
    const text = formatTimeline(buildTimeline(pay, lines, reports));
    const rows = text.split('\n');
    expect(rows[0]).toBe(`${pay}  trace ${trace}`);
    expect(rows[1]).toMatch(/^\+0\.000 s\s+authorize\s+42 ms\s+request r1$/);
    expect(rows[6]).toMatch(/^\+1\.400 s\s+chain broadcast\s+local-a, tx 0xabc, nonce 7$/);
    expect(rows).toHaveLength(12);
  });

  it('is empty for an object no line names, and refuses an id of another kind', () => {
    expect(buildTimeline('pay_01kbz9q3w7c4d5e6f7g8h9j0kz', lines, reports)).toMatchObject({ rows: [], traceIds: [] });
    expect(() => buildTimeline('evt_1', lines, reports)).toThrow('neither a payment');
  });
});

describe('reading the local function log', () => {
  it('takes Powertools\' indented and one-line JSON and serverless-offline\'s durations, skipping everything else', () => {
    const reader = new LocalLogReader();
    const text = [
      '\u001b[90m(λ: chain-check) RequestId: 0f6b3d8e-1111-2222-3333-444455556666  Duration: 95.27 ms  Billed Duration: 96 ms\u001b[39m',
      '{',
      '    "level": "INFO",',
      '    "message": "payout checked",',
      '    "timestamp": "2026-12-07T12:00:03.310Z",',
      '    "service": "chain-check",',
      '    "function_request_id": "0f6b3d8e-1111-2222-3333-444455556666",',
      `    "payment_id": "${pay}",`,
      '    "nested": {',
      '        "a": 1',
      '    }',
      '}',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"service":"chain-check"}',
      `{"level":"WARN","message":"x","timestamp":"2026-12-07T12:00:04.000Z","service":"notify","trace_id":"${trace}"}`,
      'offline: GET /v1/payments (λ: query)',
    ];
    for (const raw of text) reader.push(raw);
    expect(reader.reports).toEqual([{ requestId: '0f6b3d8e-1111-2222-3333-444455556666', durationMs: 95.27 }]);
    expect(reader.lines.map((l) => [l.service, l.requestId, l.timestampMs])).toEqual([
      ['chain-check', '0f6b3d8e-1111-2222-3333-444455556666', Date.parse('2026-12-07T12:00:03.310Z')],
      ['notify', undefined, Date.parse('2026-12-07T12:00:04.000Z')],
    ]);
    expect(reader.lines[0]!.fields.nested).toEqual({ a: 1 });
  });
});

describe('Logs Insights on AWS (moto has no Logs Insights: the queries and rows are checked here)', () => {
  it('asks for the object\'s lines, then its traces\' lines, then the invocations\' REPORT lines', () => {
    expect(objectLinesQuery('payment_id', pay)).toBe(`fields @timestamp, @message | filter payment_id = "${pay}" | sort @timestamp asc | limit 10000`);
    expect(traceLinesQuery([trace, otherTrace])).toBe(`fields @timestamp, @message | filter trace_id in ["${trace}", "${otherTrace}"] | sort @timestamp asc | limit 10000`);
    expect(reportsQuery(['r1', 'r2'])).toBe('filter @type = "REPORT" and @requestId in ["r1", "r2"] | fields @requestId, @duration | limit 10000');
  });

  it('refuses to put anything but an id into a query', () => {
    expect(() => objectLinesQuery('payment_id', 'pay_1" or 1=1')).toThrow('refusing to query');
  });

  it('reads rows: each @message as a log line, each REPORT as a duration', () => {
    const message = JSON.stringify({ level: 'INFO', message: 'payout submitted', timestamp: '2026-12-07T12:00:01.450Z', service: 'chain-submit', function_request_id: 'r3', payment_id: pay });
    expect(linesFromInsightsRows([{ '@timestamp': '2026-12-07 12:00:01.450', '@message': message }, { '@message': 'START RequestId: r3' }])).toEqual([
      { timestampMs: Date.parse('2026-12-07T12:00:01.450Z'), service: 'chain-submit', requestId: 'r3', fields: JSON.parse(message) },
    ]);
    expect(reportsFromInsightsRows([{ '@requestId': 'r3', '@duration': '480.12' }, { '@requestId': 'r4' }])).toEqual([{ requestId: 'r3', durationMs: 480.12 }]);
  });
});
