/// <reference lib="dom" />
/**
 * The console's only way out: its own origin. `/console/api/v1/...` is the API through the session
 * proxy (the answer unchanged); `/console/session...` and `/console/passkeys...` are the session
 * routes. Every write carries the session's CSRF token; a 401 `session_required` ends the session.
 */
export interface Member {
  id: string;
  email: string;
  role: 'viewer' | 'approver' | 'admin';
  merchant_id: string;
  platform: boolean;
}

export interface Session {
  member: Member;
  csrf_token: string;
  expires_at: string;
  idle_expires_at: string;
}

/** An RFC 9457 problem (or whatever a failed answer held) with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly body: unknown,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export const base: string = document.documentElement.dataset.base ?? '/console';

let csrfToken: string | undefined;
let onSessionEnded: () => void = () => {};

export function useCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function whenSessionEnds(callback: () => void): void {
  onSessionEnded = callback;
}

async function send<T>(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const all: Record<string, string> = { accept: 'application/json', ...headers };
  if (body !== undefined) all['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    if (csrfToken) all['x-csrf-token'] = csrfToken;
    if (method === 'POST') all['idempotency-key'] = crypto.randomUUID();
  }
  const response = await fetch(url, {
    method,
    headers: all,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as { code?: string; type?: string; detail?: string; title?: string };
    const code = problem.code ?? problem.type?.split('/').pop() ?? String(response.status);
    if (response.status === 401 && url.indexOf(`${base}/session`) !== 0) onSessionEnded();
    throw new ApiError(response.status, code, problem.detail ?? problem.title ?? `HTTP ${response.status}`, parsed);
  }
  return parsed as T;
}

/** The API through the session proxy: `path` starts with `/v1/`. */
export function api<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return send<T>(`${base}/api${path}`, method, body, headers);
}

/** A console session route: `path` starts with `/session` or `/passkeys`. */
export function consoleRoute<T>(method: string, path: string, body?: unknown): Promise<T> {
  return send<T>(`${base}${path}`, method, body);
}

/** The reason of a failure for people: the problem's detail and its code. */
export function reasonOf(error: unknown): string {
  if (error instanceof ApiError) return error.code && error.code !== error.message ? `${error.message} (${error.code})` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
