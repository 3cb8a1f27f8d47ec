import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * One trace per payment (docs/operations.md, "Tracing a payment"). The trace context is an X-Ray
 * trace header (`Root=1-5f84c7a1-0123456789abcdef01234567;Parent=…;Sampled=1`), as API Gateway
 * and Lambda pass it. It travels beside the work: on the outbox event item (lib/merchants/events.ts,
 * written in the event's own transaction), as the SQS `AWSTraceHeader` system attribute (which
 * Lambda continues on AWS), and in memory as the scope below while a function works on it.
 */

/** The `Root=` part of a trace header: what every log line of the payment carries as `trace_id`. */
export function traceIdOf(header: string | undefined): string | undefined {
  const root = /(?:^|;)\s*Root=(1-[0-9a-f]{8}-[0-9a-f]{24})(?:;|$)/.exec(header ?? '');
  return root?.[1];
}

/** A header is only taken when its root is well formed; anything else is minted anew. */
export function isTraceHeader(header: string | undefined): header is string {
  return traceIdOf(header) !== undefined;
}

/**
 * A new trace header in X-Ray's format: the epoch seconds in hex and 96 random bits. The local stack
 * has no X-Ray; its API edge mints one so its logs carry the same ids AWS would.
 */
export function mintTraceHeader(nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')};Sampled=1`;
}

/**
 * What a function is working on: the trace of each object a batch carries (`byObject`, payment or
 * charge id → header), the header of the record in hand, and that record's object (`subject`).
 */
export interface TraceScope {
  header?: string | undefined;
  subject?: string | undefined;
  byObject: ReadonlyMap<string, string>;
}

const scopes = new AsyncLocalStorage<TraceScope>();

/** Runs `work` with the traces of a batch's objects: what it sends or writes about one of them carries that one's trace. */
export function withTraces<T>(byObject: ReadonlyMap<string, string>, work: () => T): T {
  return scopes.run({ ...scopes.getStore(), byObject: new Map([...(scopes.getStore()?.byObject ?? []), ...byObject]) }, work);
}

/** Runs `work` for one record: its trace header (minted when it came without one) and the object it is about. */
export function withTrace<T>(trace: { header: string | undefined; subject?: string | undefined }, work: () => T): T {
  const byObject = scopes.getStore()?.byObject ?? new Map<string, string>();
  return scopes.run({ header: trace.header, subject: trace.subject, byObject }, work);
}

/** The scope in force, if any (the log formatter reads it for every line). */
export function currentTraceScope(): TraceScope | undefined {
  return scopes.getStore();
}

/** The header to send or store with work about `objectId`: its own trace, else the record's in hand. */
export function traceHeaderFor(objectId?: string): string | undefined {
  const scope = scopes.getStore();
  if (!scope) return undefined;
  return (objectId === undefined ? undefined : scope.byObject.get(objectId)) ?? scope.header;
}

/** The log key an object id goes under: `payment_id` for `pay_…`, `charge_id` for `ch_…`. */
export function objectKeyOf(objectId: string | undefined): 'payment_id' | 'charge_id' | undefined {
  if (objectId?.startsWith('pay_')) return 'payment_id';
  if (objectId?.startsWith('ch_')) return 'charge_id';
  return undefined;
}

/** The SQS system attribute that carries a trace (Lambda continues it; the consumer reads it back with traceHeaderOfRecord). */
export function traceMessageAttributes(header: string | undefined) {
  return header ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: header } } } : {};
}

/** The trace an SQS record came with. */
export function traceHeaderOfRecord(record: { attributes?: { AWSTraceHeader?: string | undefined } | undefined }): string | undefined {
  const header = record.attributes?.AWSTraceHeader;
  return isTraceHeader(header) ? header : undefined;
}
