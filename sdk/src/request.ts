import { apiErrorFor, LanepayConnectionError, LanepayError, LanepayTimeoutError, type ProblemFields } from './errors.js';
import { retryDelayMs, shouldRetry, type AttemptFailure } from './retry.js';

/** Per-call options, accepted as the last argument of every method. */
export interface RequestOptions {
  /** Replaces the generated Idempotency-Key (payments.create, capture, cancel), e.g. your order id. */
  idempotencyKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Aborts the call (and its retries); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface TransportConfig {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  random: () => number;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  /** A POST the API deduplicates by Idempotency-Key: a key is sent and kept across retries. */
  idempotent?: boolean;
}

/** Sends API requests: authentication, Idempotency-Key, per-attempt timeout, retries, typed errors. */
export class Transport {
  constructor(private readonly config: TransportConfig) {}

  async request<T>(request: ApiRequest, options: RequestOptions = {}): Promise<T> {
    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    // A PUT of the approval policy that was held makes a request each time: repeated only as a POST is.
    const safeToRepeat = (request.method !== 'POST' && request.method !== 'PUT') || request.idempotent === true;
    // One key for the whole call: every retry is the same request, so the API applies it once.
    const idempotencyKey = request.idempotent ? (options.idempotencyKey ?? crypto.randomUUID()) : undefined;
    const url = this.url(request);
    const init = {
      method: request.method,
      headers: this.headers(request, idempotencyKey),
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    };
    for (let retry = 0; ; retry += 1) {
      const outcome = await this.attempt<T>(url, init, timeoutMs, options.signal);
      if (outcome.ok) return outcome.value;
      if (retry >= maxRetries || !shouldRetry(outcome.failure, safeToRepeat)) throw outcome.error;
      await sleep(retryDelayMs(retry + 1, outcome.failure, this.config.random), options.signal);
    }
  }

  private async attempt<T>(url: string, init: RequestInit, timeoutMs: number, callerSignal: AbortSignal | undefined): Promise<
    { ok: true; value: T } | { ok: false; failure: AttemptFailure; error: LanepayError }
  > {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    try {
      const response = await this.config.fetch(url, { ...init, signal });
      const text = await response.text();
      if (response.ok) return { ok: true, value: (text === '' ? undefined : JSON.parse(text)) as T };
      const problem = problemFrom(response, text);
      const failure: AttemptFailure = { kind: 'status', status: response.status, code: problem.code, retryAfter: response.headers.get('retry-after') };
      return { ok: false, failure, error: apiErrorFor(problem, response.headers) };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      const failure: AttemptFailure = { kind: 'connection' };
      if (timeout.aborted) return { ok: false, failure, error: new LanepayTimeoutError(`No answer from ${url} within ${timeoutMs} ms`, { cause: error }) };
      if (error instanceof SyntaxError) throw new LanepayError(`The API answered ${url} with a body that is not JSON`, { cause: error });
      return { ok: false, failure, error: new LanepayConnectionError(`Could not reach ${url}: ${(error as Error).message}`, { cause: error }) };
    }
  }

  private url(request: ApiRequest): string {
    const url = new URL(`${this.config.baseUrl.replace(/\/+$/, '')}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  private headers(request: ApiRequest, idempotencyKey: string | undefined): Record<string, string> {
    return {
      Authorization: `Bearer ${this.config.apiKey}`,
      Accept: 'application/json',
      'User-Agent': 'lanepay-sdk-node',
      ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(idempotencyKey !== undefined ? { 'Idempotency-Key': idempotencyKey } : {}),
    };
  }
}

/** The problem+json fields of an error answer; a body that is not one (a proxy's page) still yields them. */
function problemFrom(response: Response, text: string): ProblemFields {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: described from the status below.
  }
  if (typeof json === 'object' && json !== null && typeof (json as { type?: unknown }).type === 'string') {
    const { type, title, status, detail, code, instance, ...extra } = json as Record<string, unknown>;
    return {
      type: type as string,
      title: typeof title === 'string' ? title : response.statusText,
      status: typeof status === 'number' ? status : response.status,
      detail: typeof detail === 'string' ? detail : '',
      code: typeof code === 'string' ? code : String(type).split('/').pop() ?? '',
      instance: typeof instance === 'string' ? instance : undefined,
      extra,
    };
  }
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.slice(0, 500),
    code: `http_${response.status}`,
    instance: undefined,
    extra: {},
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
