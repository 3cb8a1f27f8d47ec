import WebSocket from 'ws';
import { waitFor } from './wait.js';

/** A WebSocket client as a browser would hold one, recording every frame it receives. */
export interface TestSocket {
  frames: string[];
  send(message: unknown): void;
  /** The first frame (JSON) matching `match`, waiting up to the deadline. */
  frame(what: string, match: (frame: any) => boolean, timeoutMs?: number): Promise<{ raw: string; json: any }>;
  close(): Promise<void>;
}

const open = new Set<WebSocket>();

/** Connects to `url` and resolves once open; rejects with the HTTP status if the upgrade is refused. */
// 30 s: a $connect served by a cold function on a loaded machine took over 10 s.
export function connect(url: string, timeoutMs = 30_000): Promise<TestSocket> {
  const socket = new WebSocket(url);
  const frames: string[] = [];
  socket.on('message', (data) => frames.push(String(data)));
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no WebSocket open or refusal from ${redact(url)} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('unexpected-response', (_request, response) => {
      clearTimeout(deadline);
      socket.terminate();
      reject(new ConnectRefused(response.statusCode ?? 0));
    });
    socket.once('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    socket.once('open', () => {
      clearTimeout(deadline);
      open.add(socket);
      resolve({
        frames,
        send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
        frame: (what, match, timeoutMs = 10_000) =>
          waitFor(`a WebSocket frame: ${what} (received ${JSON.stringify(frames)})`, () => {
            for (const raw of frames) {
              const json = parse(raw);
              if (json !== undefined && match(json)) return { raw, json };
            }
            return undefined;
          }, { timeoutMs, intervalMs: 25 }),
        close: () => closeSocket(socket),
      });
    });
  });
}

/** The status with which the server refused the upgrade; fails if the connection opened. */
export async function refusedStatus(url: string): Promise<number> {
  try {
    const socket = await connect(url);
    await socket.close();
  } catch (error) {
    if (error instanceof ConnectRefused) return error.status;
    throw error;
  }
  throw new Error(`the WebSocket connection to ${redact(url)} was accepted`);
}

/** Closes every socket a test left open. */
export async function closeAll(): Promise<void> {
  await Promise.all([...open].map(closeSocket));
}

class ConnectRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}

function closeSocket(socket: WebSocket): Promise<void> {
  open.delete(socket);
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

function parse(raw: string): any {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function redact(url: string): string {
  return url.replace(/token=[^&]+/, 'token=…');
}
