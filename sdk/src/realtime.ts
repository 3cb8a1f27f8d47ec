import { LanepayApiError, LanepayRealtimeError } from './errors.js';
import type { Page } from './pagination.js';
import { retryDelayMs } from './retry.js';
import { FrameReader, type WebSocketConstructor } from './socket.js';
import type { CreateRealtimeTokenParams, LanepayEvent, RealtimeToken } from './types.js';

export interface SubscribeOptions {
  /** One payment's events; omit for every event of the account. */
  paymentId?: string;
  /** Ends the iteration (the loop simply stops). */
  signal?: AbortSignal;
  /** Failed connections in a row before the iterator throws; 5 unless set. */
  maxReconnects?: number;
  /**
   * After a reconnection, first yield the events the gap missed, read from GET /v1/events
   * (newest-first, so the walk stops at the last event seen). On unless set to false.
   */
  backfill?: boolean;
  /** For a WebSocket that never opens. 10 s unless set. */
  connectTimeoutMs?: number;
}

export interface RealtimeDeps {
  createToken(params: CreateRealtimeTokenParams): Promise<RealtimeToken>;
  listEvents(params: { limit: number; starting_after?: string }): Promise<Page<LanepayEvent>>;
  webSocket(): Promise<WebSocketConstructor>;
  random: () => number;
}

/**
 * Events as they happen: a single-use token per connection (tokens cannot be reused), then
 * `<url>?token=...` and a subscribe frame. A dropped connection is reopened with a new token and
 * backoff; the events of the gap are fetched from the events API so none is skipped. Event ids are
 * time-ordered, so comparing them orders events as the API lists them.
 */
export async function* subscribe(deps: RealtimeDeps, options: SubscribeOptions = {}): AsyncGenerator<LanepayEvent, void, undefined> {
  const maxReconnects = options.maxReconnects ?? 5;
  let failures = 0;
  let lastSeenId: string | undefined;
  const seen = new Set<string>();
  while (!options.signal?.aborted) {
    let reader: FrameReader | undefined;
    const stop = () => reader?.close();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      const token = await deps.createToken(options.paymentId !== undefined ? { payment_id: options.paymentId } : {});
      reader = await FrameReader.open(await deps.webSocket(), `${token.url}?token=${encodeURIComponent(token.token)}`, options.connectTimeoutMs ?? 10_000);
      reader.send({ action: 'subscribe', ...(options.paymentId !== undefined ? { payment_id: options.paymentId } : {}) });
      await confirmed(reader);
      failures = 0;
      if (lastSeenId === undefined) lastSeenId = (await deps.listEvents({ limit: 1 })).data[0]?.id ?? '';
      else if (options.backfill !== false) {
        for (const event of await missedSince(deps, lastSeenId, options.paymentId)) yield* emit(event);
      }
      for (let frame = await reader.next(); frame !== undefined; frame = await reader.next()) {
        if (isEvent(frame)) yield* emit(frame);
        else throwIfError(frame);
      }
    } catch (error) {
      // Refusals that a new connection would meet again end the iteration.
      if (error instanceof LanepayRealtimeError && error.code !== 'connection_failed') throw error;
      if (error instanceof LanepayApiError && error.status < 500 && error.status !== 429) throw error;
      if (options.signal?.aborted) return;
      failures += 1;
      if (failures > maxReconnects) throw error;
    } finally {
      options.signal?.removeEventListener('abort', stop);
      reader?.close();
    }
    if (!options.signal?.aborted) await pause(retryDelayMs(Math.max(failures, 1), { kind: 'connection' }, deps.random), options.signal);
  }

  function* emit(event: LanepayEvent): Generator<LanepayEvent> {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    // Only ids near the watermark can come twice (backfill against live frames): keep the newest.
    if (seen.size > 1000) seen.delete(seen.values().next().value!);
    if (lastSeenId === undefined || event.id > lastSeenId) lastSeenId = event.id;
    yield event;
  }
}

/** Events after `afterId`, oldest first, limited to one payment when asked. */
async function missedSince(deps: RealtimeDeps, afterId: string, paymentId: string | undefined): Promise<LanepayEvent[]> {
  const missed: LanepayEvent[] = [];
  let page = await deps.listEvents({ limit: 100 });
  for (;;) {
    for (const event of page.data) {
      if (event.id <= afterId) return missed.reverse();
      if (paymentId === undefined || event.data.object.id === paymentId) missed.push(event);
    }
    const last = page.data.at(-1);
    if (!page.has_more || last === undefined) return missed.reverse();
    page = await deps.listEvents({ limit: 100, starting_after: last.id });
  }
}

async function confirmed(reader: FrameReader): Promise<void> {
  for (let frame = await reader.next(); frame !== undefined; frame = await reader.next()) {
    if (isObject(frame) && frame.object === 'subscription') return;
    throwIfError(frame);
  }
  throw new LanepayRealtimeError('WebSocket closed before the subscription was confirmed', 'connection_failed');
}

function throwIfError(frame: unknown): void {
  if (isObject(frame) && frame.object === 'error') {
    throw new LanepayRealtimeError(`Realtime subscription refused: ${String(frame.message)}`, String(frame.code));
  }
}

function isEvent(frame: unknown): frame is LanepayEvent {
  return isObject(frame) && frame.object === 'event' && typeof frame.id === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
