import { stack } from './stack.js';
import type { Member } from './members.js';

export interface ConsoleResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * A browser's view of the console over plain HTTP: it keeps the session cookie the console sets (as
 * a browser would, by name) and the CSRF token the sign-in answered, and sends both as a page does.
 */
export class ConsoleClient {
  cookie: string | undefined;
  csrf: string | undefined;

  async signIn(member: Member, code?: string): Promise<ConsoleResponse> {
    const response = await this.send('POST', '/console/session/totp', { body: { member_key: member.key, code: code ?? (await member.app.nextCode()) } });
    if (response.status === 200) this.csrf = response.body.csrf_token;
    return response;
  }

  /** Sends a request with the kept cookie; a non-GET carries the CSRF token unless `csrf` says otherwise (`null`: none). */
  async send(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; csrf?: string | null } = {}): Promise<ConsoleResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.Cookie = this.cookie;
    if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    const response = await fetch(`${stack().apiUrl}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}), redirect: 'manual' });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      this.cookie = /=$/.test(pair!) || /Max-Age=0/.test(setCookie) ? undefined : pair;
    }
    const text = await response.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON.
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  /** The session token in the kept cookie. */
  token(): string | undefined {
    return this.cookie?.split('=')[1];
  }
}
