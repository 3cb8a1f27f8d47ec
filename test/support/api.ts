import { randomUUID } from 'node:crypto';
import { stack } from './stack.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** Calls the merchant API of the running serverless-offline, as a merchant's server would. */
export async function api(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; idempotencyKey?: string | false } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['Content-Type'] ??= 'application/json';
  if (method === 'POST' && options.idempotencyKey !== false) headers['Idempotency-Key'] ??= options.idempotencyKey ?? randomUUID();
  const response = await fetch(`${stack().apiUrl}${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined ? { body: options.rawBody } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the assertion message.
  }
  return { status: response.status, headers: response.headers, body };
}
