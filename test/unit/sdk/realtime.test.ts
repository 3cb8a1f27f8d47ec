import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { Lanepay, type LanepayEvent } from '../../../sdk/src/index.js';

const event = (id: string, paymentId = 'pay_01') =>
  ({ id, object: 'event', type: 'payment.processing', created_at: '2026-11-26T12:00:00.000Z', data: { object: { id: paymentId } } }) as unknown as LanepayEvent;

/**
 * The realtime side of the API on a real port: POST /v1/realtime/tokens issues single-use tokens,
 * GET /v1/events lists `history` newest first, and the WebSocket server refuses a token used twice.
 * `onSubscribe` plays the server's part on each connection (0-based); `refuseUpgrades` answers every
 * upgrade 401, as for an expired token.
 */
async function realtimeServer(onSubscribe: (socket: WebSocket, connection: number, history: LanepayEvent[]) => void, refuseUpgrades = false) {
  const history: LanepayEvent[] = [event('evt_01')];
  const issued: string[] = [];
  const used = new Set<string>();
  const subscribes: unknown[] = [];
  const server = http.createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/v1/realtime/tokens') {
      const token = `tok_${issued.length}`;
      issued.push(token);
      const { port } = server.address() as AddressInfo;
      response.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, expires_at: '2026-11-26T12:05:00.000Z', url: `ws://127.0.0.1:${port}/ws` }));
      return;
    }
    const url = new URL(request.url ?? '/', 'http://x');
    const newestFirst = [...history].sort((a, b) => b.id.localeCompare(a.id));
    const after = url.searchParams.get('starting_after');
    const start = after ? newestFirst.findIndex((e) => e.id === after) + 1 : 0;
    const limit = Number(url.searchParams.get('limit') ?? 10);
    response.writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ object: 'list', data: newestFirst.slice(start, start + limit), has_more: start + limit < newestFirst.length }));
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
    if (refuseUpgrades || !issued.includes(token) || used.has(token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    used.add(token);
    const connection = used.size - 1;
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on('message', (data) => {
        subscribes.push(JSON.parse(String(data)));
        onSubscribe(ws, connection, history);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    issued,
    subscribes,
    close: () => new Promise<void>((resolve) => {
      for (const client of sockets.clients) client.terminate();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(onSubscribe: Parameters<typeof realtimeServer>[0], refuseUpgrades = false) {
  const server = await realtimeServer(onSubscribe, refuseUpgrades);
  servers.push(server);
  return { server, client: new Lanepay({ apiKey: 'sk_test_unit', baseUrl: server.baseUrl }) };
}

const send = (socket: WebSocket, frame: unknown) => socket.send(JSON.stringify(frame));

describe('lanepay.realtime.subscribe', () => {
  it('resolves once the server confirmed the subscription, and close() ends a waiting iteration', async () => {
    const { server, client } = await start((socket) => send(socket, { object: 'subscription', payment_id: null }));
    const subscription = await client.realtime.subscribe();
    expect(server.subscribes).toEqual([{ action: 'subscribe' }]);
    const waiting = subscription.next();
    await subscription.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('reconnects with a new token after a drop and yields the missed events once, in order, for its payment only', async () => {
    const { server, client } = await start((socket, connection, history) => {
      send(socket, { object: 'subscription', payment_id: 'pay_01' });
      if (connection === 0) {
        history.push(event('evt_02'));
        send(socket, event('evt_02'));
        // Happen while the client is away: never pushed, only listed.
        history.push(event('evt_03'), event('evt_04', 'pay_other'));
        socket.close(1012, 'restarting');
      } else {
        history.push(event('evt_05'));
        send(socket, event('evt_03')); // pushed late as well: must not come twice
        send(socket, event('evt_05'));
      }
    });
    const received: string[] = [];
    for await (const item of await client.realtime.subscribe({ paymentId: 'pay_01' })) {
      received.push(item.id);
      if (received.length === 3) break;
    }
    expect(received).toEqual(['evt_02', 'evt_03', 'evt_05']);
    expect(server.issued).toEqual(['tok_0', 'tok_1']);
    expect(server.subscribes).toEqual([{ action: 'subscribe', payment_id: 'pay_01' }, { action: 'subscribe', payment_id: 'pay_01' }]);
  });

  it('ends with LanepayRealtimeError on an error frame, without reconnecting', async () => {
    const { server, client } = await start((socket) => send(socket, { object: 'error', code: 'validation_error', message: 'payment_id must be a payment id' }));
    await expect(client.realtime.subscribe({ paymentId: 'pay_01' })).rejects.toMatchObject({ name: 'LanepayRealtimeError', code: 'validation_error' });
    expect(server.issued).toHaveLength(1);
  });

  it('gives up after maxReconnects when every upgrade is refused', async () => {
    const { server, client } = await start(() => undefined, true);
    await expect(client.realtime.subscribe({ maxReconnects: 1 })).rejects.toMatchObject({ name: 'LanepayRealtimeError', code: 'connection_failed' });
    expect(server.issued).toEqual(['tok_0', 'tok_1']);
  });

  it('reconnects when the subscription is never confirmed', async () => {
    const { server } = await start((socket, connection) => {
      if (connection === 1) {
        send(socket, { object: 'subscription', payment_id: null });
        send(socket, event('evt_02'));
      }
    });
    const client = new Lanepay({ apiKey: 'sk_test_unit', baseUrl: server.baseUrl });
    const received: string[] = [];
    for await (const item of await client.realtime.subscribe({ connectTimeoutMs: 300 })) {
      received.push(item.id);
      break;
    }
    expect(received).toEqual(['evt_02']);
    expect(server.issued).toEqual(['tok_0', 'tok_1']);
  });
});
