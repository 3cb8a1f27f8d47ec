import type { SQSRecord } from 'aws-lambda';
import { objectKeyOf } from '#platform';

/**
 * The keys of a record's one "received" line, from which `lanepay trace` draws the wait between a
 * send and the receive (docs/operations.md, "Tracing a payment"): where it waited, since when, how long.
 */
export function receivedKeys(source: string, sentAtMs: number | undefined, receivedAtMs: number) {
  if (sentAtMs === undefined || !Number.isFinite(sentAtMs)) return { step: 'received', source };
  return { step: 'received', source, sent_at_ms: sentAtMs, waited_ms: Math.max(0, receivedAtMs - sentAtMs) };
}

/** When SQS took the message (its SentTimestamp). */
export function sentAtMsOf(record: Pick<SQSRecord, 'attributes'>): number | undefined {
  const sent = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(sent) && sent > 0 ? sent : undefined;
}

/** The payment or charge an event is about (its `data.object.id`), the subject of its trace scope. */
export function subjectOf(event: { data: { object: unknown } }): string | undefined {
  const id = (event.data.object as { id?: unknown } | null)?.id;
  return typeof id === 'string' && objectKeyOf(id) ? id : undefined;
}
