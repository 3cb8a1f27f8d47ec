import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/payments?limit=10`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAtMs: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer: the client's timeout is what ends the request. */
  hang?: boolean;
}

/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for the Lanepay API in the SDK's
 * unit tests: it records every request and answers as `answer` decides (request, its 0-based
 * index). Objects are sent as JSON; statuses >= 400 as problem+json.
 */
export async function startScriptedServer(answer: (request: RecordedRequest, index: number) => ScriptedAnswer) {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAtMs: Date.now() };
      requests.push(request);
      const reply = answer(request, requests.length - 1);
      if (reply.hang) return;
      const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const type = typeof reply.body === 'string' ? 'text/html' : reply.status >= 400 ? 'application/problem+json' : 'application/json';
      response.writeHead(reply.status, { 'Content-Type': type, ...reply.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A problem+json body as the API renders one (api/http/problem.ts). */
export function problem(code: string, status: number, extra: Record<string, unknown> = {}) {
  return { type: `https://lanepay.dev/problems/${code}`, title: code.replace(/_/g, ' '), status, detail: `detail of ${code}`, code, ...extra };
}
