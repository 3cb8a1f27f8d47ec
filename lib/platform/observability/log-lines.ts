import type { InvocationReport, LogLine } from './timeline.js';

/**
 * Where `lanepay trace` finds the lines of a timeline: the local stack's function log, or
 * CloudWatch Logs Insights on AWS. Both turned into the same LogLine and InvocationReport.
 */

/** The functions whose logs a timeline reads on AWS: every step a payment or a charge goes through. */
export const tracedFunctions = [
  'authorize', 'settle', 'charges', 'refunds', 'chain-watch', 'outbox-relay', 'chain-submit', 'chain-check', 'notify', 'webhook-deliver',
] as const;

/** A Powertools JSON document as a LogLine (undefined for any other JSON: EMF metrics, the emulators'). */
export function logLineOf(document: unknown): LogLine | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const fields = document as Record<string, unknown>;
  if (typeof fields.level !== 'string' || typeof fields.service !== 'string' || typeof fields.timestamp !== 'string') return undefined;
  const timestampMs = Date.parse(fields.timestamp);
  if (!Number.isFinite(timestampMs)) return undefined;
  return { timestampMs, service: fields.service, requestId: typeof fields.function_request_id === 'string' ? fields.function_request_id : undefined, fields };
}

// serverless-offline's line after each invocation: `(λ: notify) RequestId: <uuid>  Duration: 12.34 ms  Billed Duration: 13 ms`.
const offlineReport = /\(λ: ([\w-]+)\) RequestId: ([0-9a-f-]+)\s+Duration: ([\d.]+) ms/;
// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*m/g;

/**
 * Reads the local stack's function log line by line (it grows to hundreds of MB): Powertools' JSON,
 * one line each or indented over several (POWERTOOLS_DEV locally), and serverless-offline's
 * Duration lines. Lines of other shapes are skipped.
 */
export class LocalLogReader {
  readonly lines: LogLine[] = [];
  readonly reports: InvocationReport[] = [];
  #pending: string[] | undefined;

  /** `keep` picks the documents worth holding (a busy log has millions). */
  constructor(private readonly keep: (text: string) => boolean = () => true) {}

  push(raw: string): void {
    const line = raw.replace(ansi, '');
    if (this.#pending) {
      this.#pending.push(line);
      if (line === '}') {
        this.#take(this.#pending.join('\n'));
        this.#pending = undefined;
      }
      return;
    }
    if (line === '{') this.#pending = [line];
    else if (line.startsWith('{') && line.endsWith('}')) this.#take(line);
    else {
      const report = offlineReport.exec(line);
      if (report) this.reports.push({ requestId: report[2]!, durationMs: Number(report[3]) });
    }
  }

  #take(text: string): void {
    if (!this.keep(text)) return;
    try {
      const line = logLineOf(JSON.parse(text));
      if (line) this.lines.push(line);
    } catch {
      // not JSON after all (a stack trace that began with a brace)
    }
  }
}

/** Insights: the lines that name the object (payment_id or charge_id, as the log formatter adds them). */
export function objectLinesQuery(key: 'payment_id' | 'charge_id', objectId: string): string {
  return `fields @timestamp, @message | filter ${key} = ${quoted(objectId)} | sort @timestamp asc | limit 10000`;
}

/** Insights: the lines of the object's traces (those of its records that name no object, too). */
export function traceLinesQuery(traceIds: string[]): string {
  return `fields @timestamp, @message | filter trace_id in [${traceIds.map(quoted).join(', ')}] | sort @timestamp asc | limit 10000`;
}

/** Insights: Lambda's REPORT line of each invocation, its duration. */
export function reportsQuery(requestIds: string[]): string {
  return `filter @type = "REPORT" and @requestId in [${requestIds.map(quoted).join(', ')}] | fields @requestId, @duration | limit 10000`;
}

/** Insights rows of objectLinesQuery / traceLinesQuery as LogLines (their @message is the Powertools JSON). */
export function linesFromInsightsRows(rows: Record<string, string>[]): LogLine[] {
  return rows.flatMap((row) => {
    try {
      const line = logLineOf(JSON.parse(row['@message'] ?? ''));
      return line ? [line] : [];
    } catch {
      return [];
    }
  });
}

/** Insights rows of reportsQuery as InvocationReports. */
export function reportsFromInsightsRows(rows: Record<string, string>[]): InvocationReport[] {
  return rows.flatMap((row) => {
    const durationMs = Number(row['@duration']);
    return row['@requestId'] && Number.isFinite(durationMs) ? [{ requestId: row['@requestId'], durationMs }] : [];
  });
}

/** A string literal for a Logs Insights query: ids only ever hold [0-9a-z_-], anything else is refused. */
function quoted(value: string): string {
  if (!/^[0-9A-Za-z_-]+$/.test(value)) throw new Error(`refusing to query for ${JSON.stringify(value)}`);
  return `"${value}"`;
}
