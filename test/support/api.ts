import { randomUUID } from 'node:crypto';
import { stack } from './stack.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * Calls the merchant API of the running serverless-offline, as a merchant's server would: a 503
 * `try_again` (nothing was written: writers raced past their budget, which a busy machine's
 * emulator makes likelier) is sent again with the same Idempotency-Key after its Retry-After, as the
 * SDK does, at most four times; `overloaded` (the route's function at its reserved concurrency, shed
 * before it ran) for up to 40 s, since test/adversarial/shedding.test.ts floods the statements
 * route for up to 30 s while other files may ask it too. `tryAgain: false` returns either as it came.
 */
export async function api(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; idempotencyKey?: string | false; tryAgain?: boolean } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['Content-Type'] ??= 'application/json';
  if (method === 'POST' && options.idempotencyKey !== false) headers['Idempotency-Key'] ??= options.idempotencyKey ?? randomUUID();
  const overloadedUntilMs = Date.now() + 40_000;
  for (let attempt = 1; ; attempt += 1) {
    const response = await send(method, path, headers, options);
    if (options.tryAgain === false || response.status !== 503) return response;
    const retry = response.body?.code === 'try_again' ? attempt < 5 : response.body?.code === 'overloaded' && Date.now() < overloadedUntilMs;
    if (!retry) return response;
    const retryAfterSeconds = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, (0.5 + Math.random() / 2) * retryAfterSeconds * 1000));
  }
}

async function send(method: string, path: string, headers: Record<string, string>, options: { body?: unknown; rawBody?: string }): Promise<ApiResponse> {
  const response = await fetch(`${stack().apiUrl}${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined ? { body: options.rawBody } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the assertion message.
  }
  return { status: response.status, headers: response.headers, body };
}
