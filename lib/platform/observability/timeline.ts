import { objectKeyOf } from './trace.js';

/**
 * `lanepay trace <pay_…|ch_…>`: one timeline for a payment or charge, from the functions' logs
 * (docs/operations.md, "Tracing a payment"). Pure: the lines come from the local stack's log or
 * from CloudWatch Logs Insights (log-lines.ts), the command only prints.
 */

/** One structured log line of a function (Powertools JSON). */
export interface LogLine {
  timestampMs: number;
  /** The function (Powertools `service`). */
  service: string;
  /** The invocation (`function_request_id`). */
  requestId: string | undefined;
  fields: Record<string, unknown>;
}

/** The platform's report of one invocation (Lambda's REPORT line, serverless-offline's Duration line). */
export interface InvocationReport {
  requestId: string;
  durationMs: number;
}

export type TimelineRow =
  | { kind: 'invocation'; startMs: number; function: string; requestId: string; durationMs: number | null; lines: number; eventTypes: string[] }
  | { kind: 'wait'; startMs: number; source: string; waitedMs: number; eventType: string | null }
  | { kind: 'chain'; startMs: number; action: string; chain: string | null; txHash: string; nonce: number | null; block: number | null }
  | { kind: 'delivery'; startMs: number; endpointId: string | null; attempt: number | null; statusCode: number | null; latencyMs: number | null; error: string | null };

export interface Timeline {
  objectId: string;
  /** Every trace id the object's lines carried: one when the trace held from end to end. */
  traceIds: string[];
  rows: TimelineRow[];
  /** The lines the timeline was drawn from, each with its trace id (or none). */
  lines: { service: string; message: string; traceId: string | null }[];
}

/** Rows at one instant: the wait ends, the function starts, then what it did. */
const kindOrder: Record<TimelineRow['kind'], number> = { wait: 0, invocation: 1, chain: 2, delivery: 3 };

/**
 * The object's timeline: its lines (those naming it, and those of its traces naming no other
 * object), one row per function invocation with the platform's duration, per wait between a send and
 * the receive (a record's `step: received` line), per chain transaction (`step: chain`) and per
 * webhook delivery attempt (`step: delivery`), in time order.
 */
export function buildTimeline(objectId: string, lines: LogLine[], reports: InvocationReport[]): Timeline {
  const key = objectKeyOf(objectId);
  if (!key) throw new Error(`${objectId} is neither a payment (pay_…) nor a charge (ch_…)`);
  const own = lines.filter((line) => line.fields[key] === objectId);
  const traceIds = [...new Set(own.map((line) => traceIdOfLine(line)).filter((id) => id !== null))];
  const related = lines
    .filter((line) => line.fields[key] === objectId || (line.fields[key] === undefined && traceIds.includes(traceIdOfLine(line) ?? '')))
    .sort((a, b) => a.timestampMs - b.timestampMs);

  const rows: TimelineRow[] = [];
  const invocations = new Map<string, Extract<TimelineRow, { kind: 'invocation' }>>();
  const durations = new Map(reports.map((report) => [report.requestId, report.durationMs]));
  for (const line of related) {
    const step = line.fields.step;
    let startMs = line.timestampMs;
    if (step === 'received' && typeof line.fields.sent_at_ms === 'number' && typeof line.fields.waited_ms === 'number') {
      rows.push({ kind: 'wait', startMs: line.fields.sent_at_ms, source: String(line.fields.source), waitedMs: line.fields.waited_ms, eventType: stringOrNull(line.fields.type) });
      startMs = line.fields.sent_at_ms + line.fields.waited_ms; // the receive: the invocation began no later
    } else if (step === 'chain' && typeof line.fields.tx_hash === 'string') {
      rows.push({
        kind: 'chain', startMs, action: String(line.fields.action), chain: stringOrNull(line.fields.chain), txHash: line.fields.tx_hash,
        nonce: numberOrNull(line.fields.nonce), block: numberOrNull(line.fields.block),
      });
    } else if (step === 'delivery') {
      rows.push({
        kind: 'delivery', startMs, endpointId: stringOrNull(line.fields.endpointId), attempt: numberOrNull(line.fields.attempt),
        statusCode: numberOrNull(line.fields.statusCode), latencyMs: numberOrNull(line.fields.latencyMs), error: stringOrNull(line.fields.error),
      });
    }
    if (line.requestId === undefined) continue;
    const eventType = stringOrNull(line.fields.type);
    const invocation = invocations.get(line.requestId);
    if (invocation) {
      invocation.startMs = Math.min(invocation.startMs, startMs);
      invocation.lines += 1;
      if (eventType && !invocation.eventTypes.includes(eventType)) invocation.eventTypes.push(eventType);
    } else {
      invocations.set(line.requestId, {
        kind: 'invocation', startMs, function: line.service, requestId: line.requestId, durationMs: durations.get(line.requestId) ?? null, lines: 1, eventTypes: eventType ? [eventType] : [],
      });
    }
  }
  rows.push(...invocations.values());
  // A wait is placed at its end (the receive), so it sorts just before the invocation that received it.
  const orderMs = (row: TimelineRow) => (row.kind === 'wait' ? row.startMs + row.waitedMs : row.startMs);
  rows.sort((a, b) => orderMs(a) - orderMs(b) || kindOrder[a.kind] - kindOrder[b.kind]);
  return {
    objectId,
    traceIds,
    rows,
    lines: related.map((line) => ({ service: line.service, message: String(line.fields.message ?? ''), traceId: traceIdOfLine(line) })),
  };
}

/** A row as one short label, the same on every run (no times): `chain-submit`, `wait chain-check`, `chain confirmed`. */
export function rowLabel(row: TimelineRow): string {
  switch (row.kind) {
    case 'invocation': return row.function;
    case 'wait': return `wait ${row.source}`;
    case 'chain': return `chain ${row.action}`;
    case 'delivery': return `delivery ${row.statusCode ?? row.error ?? 'no answer'}`;
  }
}

/** The timeline as a table: each row's offset from the first, its duration and its details. */
export function formatTimeline(timeline: Timeline): string {
  const header = [`${timeline.objectId}  trace ${timeline.traceIds.join(', ') || '(none found)'}`];
  if (timeline.rows.length === 0) return [...header, 'No log lines name it (yet).'].join('\n');
  const originMs = timeline.rows[0]!.startMs;
  const cells = timeline.rows.map((row) => [`+${((row.startMs - originMs) / 1000).toFixed(3)} s`, rowLabel(row), durationOf(row), detailOf(row)]);
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  return [...header, ...cells.map((c) => c.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd())].join('\n');
}

function durationOf(row: TimelineRow): string {
  switch (row.kind) {
    case 'invocation': return row.durationMs === null ? '—' : `${row.durationMs.toFixed(0)} ms`;
    case 'wait': return `${row.waitedMs} ms`;
    case 'delivery': return row.latencyMs === null ? '—' : `${row.latencyMs} ms`;
    case 'chain': return '';
  }
}

function detailOf(row: TimelineRow): string {
  switch (row.kind) {
    case 'invocation': return [`request ${row.requestId}`, ...row.eventTypes].join(', ');
    case 'wait': return row.eventType ?? '';
    case 'chain': return [row.chain, `tx ${row.txHash}`, row.nonce === null ? '' : `nonce ${row.nonce}`, row.block === null ? '' : `block ${row.block}`].filter(Boolean).join(', ');
    case 'delivery': return [`attempt ${row.attempt ?? '?'}`, row.endpointId ? `endpoint ${row.endpointId}` : '', row.error ?? ''].filter(Boolean).join(', ');
  }
}

function traceIdOfLine(line: LogLine): string | null {
  return typeof line.fields.trace_id === 'string' ? line.fields.trace_id : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}
