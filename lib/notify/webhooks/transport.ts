import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface WebhookRequest {
  url: URL;
  /** The address the SSRF check approved: the connection goes there and nowhere else. */
  address: string;
  family: 4 | 6;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface WebhookResponse {
  statusCode?: number;
  retryAfter?: string;
  latencyMs: number;
  /** Set when no HTTP status was received: timeout, refused, TLS, reset. */
  error?: string;
}

export type Transport = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Receivers answer with a status; anything they write beyond this is read no further. */
export const maxResponseBytes = 4096;

/**
 * POSTs with node:http(s), never following redirects (node does not), reading at most 4 KB of the
 * answer. DNS is pinned: the custom `lookup` returns the approved address whatever the name, so a
 * second resolution (DNS rebinding) cannot send the request elsewhere. TLS still verifies the
 * certificate against the URL's host name (SNI and checkServerIdentity use the hostname).
 */
export const pinnedTransport: Transport = (request) =>
  new Promise((resolve) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: request.address, family: request.family }]);
      } else callback(null, request.address, request.family);
    };
    const client = request.url.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (result: Omit<WebhookResponse, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    const outgoing = client.request(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      lookup,
      agent: false,
    });
    const timer = setTimeout(() => {
      finish({ error: `timeout after ${request.timeoutMs} ms` });
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('response', (response) => {
      const retryAfter = response.headers['retry-after'];
      const done = () => finish({ statusCode: response.statusCode ?? 0, ...(retryAfter ? { retryAfter } : {}) });
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= maxResponseBytes) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', done);
      response.on('close', done);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? 'request failed' }));
    outgoing.end(request.body);
  });
