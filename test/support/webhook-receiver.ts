import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAtMs: number;
  /** What the receiver answered. */
  status: number;
}

export interface Answer {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
}

/**
 * A merchant's webhook receiver on 127.0.0.1 (random port): records every request and answers
 * as `answer` decides per request (status, delay, headers). Signatures are checked by the tests.
 */
export async function startReceiver(answer: (path: string, received: ReceivedWebhook[]) => Answer = () => ({ status: 200 })) {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const reply = answer(path, received);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, String(value)]));
      received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), receivedAtMs: Date.now(), status: reply.status });
      const send = () => response.writeHead(reply.status, reply.headers).end('ok');
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    port,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
