import { LanepayRealtimeError } from './errors.js';

/** The part of the WHATWG WebSocket the SDK uses; the global one and the `ws` package both provide it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown; code?: number; message?: string }) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The global WebSocket where the runtime has one (browsers, Node 22+), else the `ws` package. */
export async function defaultWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const ws = await import('ws');
  return ws.WebSocket as unknown as WebSocketConstructor;
}

/** An open WebSocket read as a queue of JSON frames; ends when the socket closes. */
export class FrameReader {
  private readonly queue: unknown[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly socket: WebSocketLike) {
    socket.addEventListener('message', (event) => {
      try {
        this.queue.push(JSON.parse(String(event.data)));
      } catch {
        // Not JSON: not a frame of this protocol.
      }
      this.notify();
    });
    socket.addEventListener('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** Opens `url`, rejecting when the upgrade is refused, fails or takes longer than `timeoutMs`. */
  static open(WebSocketImpl: WebSocketConstructor, url: string, timeoutMs: number): Promise<FrameReader> {
    const socket = new WebSocketImpl(url);
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        socket.close();
        reject(new LanepayRealtimeError(message, 'connection_failed'));
      };
      const timer = setTimeout(() => fail(`WebSocket not open within ${timeoutMs} ms`), timeoutMs);
      socket.addEventListener('error', (event) => fail(`WebSocket connection failed${event.message ? `: ${event.message}` : ''}`));
      socket.addEventListener('close', () => fail('WebSocket closed before it opened'));
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(new FrameReader(socket));
      });
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.closed = true;
    this.socket.close(1000);
    this.notify();
  }

  /** The next frame, or undefined once the socket has closed and every frame was read. */
  async next(): Promise<unknown> {
    for (;;) {
      if (this.queue.length > 0) return this.queue.shift();
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
