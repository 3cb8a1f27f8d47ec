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
   * After a reconnection, first yield the events not yet yielded since the previous connection
   * began, read from GET /v1/events. On unless set to false.
   */
  backfill?: boolean;
  /** For a WebSocket that does not open, or a subscription not confirmed. 10 s unless set. */
  connectTimeoutMs?: number;
}

/** Events as they happen, from the moment `subscribe` resolved. `close` ends the iteration. */
export interface RealtimeSubscription extends AsyncIterableIterator<LanepayEvent> {
  close(): Promise<void>;
}

export interface RealtimeDeps {
  createToken(params: CreateRealtimeTokenParams, signal: AbortSignal | undefined): Promise<RealtimeToken>;
  listEvents(params: { limit: number; starting_after?: string }): Promise<Page<LanepayEvent>>;
  webSocket(): Promise<WebSocketConstructor>;
  random: () => number;
}

/**
 * Opens the subscription and resolves once the server confirmed it, so whatever the caller does
 * next (create or capture a payment) is seen; rejects if it cannot be opened.
 */
export async function subscribe(deps: RealtimeDeps, options: SubscribeOptions = {}): Promise<RealtimeSubscription> {
  const closing = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, closing.signal]) : closing.signal;
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  const stream = eventStream(deps, { ...options, signal }, subscribed);
  // The generator runs up to its first event; the caller's first next() takes that result.
  let first: Promise<IteratorResult<LanepayEvent>> | undefined = stream.next();
  await Promise.race([ready, first]);
  const subscription: RealtimeSubscription = {
    [Symbol.asyncIterator]: () => subscription,
    next() {
      const result = first ?? stream.next();
      first = undefined;
      return result;
    },
    async return() {
      closing.abort();
      // A next() still waiting on a frame ends once the abort closes the socket.
      await first?.catch(() => undefined);
      return stream.return(undefined);
    },
    async close() {
      await subscription.return!();
    },
  };
  return subscription;
}

/**
 * Events as they happen: a single-use token per connection (tokens cannot be reused), then
 * `<url>?token=...` and a subscribe frame. A dropped connection is reopened with a new token and
 * backoff; the events since the previous connection began are read from the events API and those
 * not yet yielded come first, so none is skipped and none comes twice. Event ids are time-ordered,
 * so comparing them orders events as the API lists them.
 */
async function* eventStream(deps: RealtimeDeps, options: SubscribeOptions, subscribed: () => void): AsyncGenerator<LanepayEvent, void, undefined> {
  const maxReconnects = options.maxReconnects ?? 5;
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  let failures = 0;
  // The newest event before the last subscription began: the next backfill starts there, since a
  // push of an event of that connection may still have been on its way (pushes are not ordered).
  let since: string | undefined;
  const seen = new Set<string>();
  while (!options.signal?.aborted) {
    let reader: FrameReader | undefined;
    const stop = () => reader?.close();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      const token = await deps.createToken(options.paymentId !== undefined ? { payment_id: options.paymentId } : {}, options.signal);
      reader = await FrameReader.open(await deps.webSocket(), `${token.url}?token=${encodeURIComponent(token.token)}`, timeoutMs);
      if (options.signal?.aborted) return;
      const watermark = (await deps.listEvents({ limit: 1 })).data[0]?.id ?? '';
      reader.send({ action: 'subscribe', ...(options.paymentId !== undefined ? { payment_id: options.paymentId } : {}) });
      await confirmed(reader, timeoutMs);
      subscribed();
      failures = 0;
      if (since !== undefined && options.backfill !== false) {
        for (const event of await missedSince(deps, since, options.paymentId)) yield* emit(event);
        for (const id of seen) if (id <= since) seen.delete(id);
      }
      since = watermark;
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

async function confirmed(reader: FrameReader, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => reader.close(), timeoutMs);
  try {
    for (let frame = await reader.next(); frame !== undefined; frame = await reader.next()) {
      if (isObject(frame) && frame.object === 'subscription') return;
      throwIfError(frame);
    }
  } finally {
    clearTimeout(timer);
  }
  throw new LanepayRealtimeError(`Subscription not confirmed within ${timeoutMs} ms`, 'connection_failed');
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
