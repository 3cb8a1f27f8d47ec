import { FetchRequest, JsonRpcProvider } from 'ethers';
import { ChainUnavailableError } from './errors.js';

interface Endpoint {
  url: string;
  provider: JsonRpcProvider;
  consecutiveFailures: number;
  openUntilMs: number;
}

export interface FailoverOptions {
  timeoutMs?: number;
  /** Consecutive failures that open an endpoint's circuit. */
  failureThreshold?: number;
  /** How long an open circuit skips the endpoint before one trial call. */
  cooldownMs?: number;
  now?: () => number;
  /** Called before every JSON-RPC request sent (an operation may send more than one): for counting. */
  onRequest?: () => void;
  /** Called when an endpoint's circuit opens, and when a call through it succeeds again: for metrics. */
  onCircuitChange?: (change: CircuitChange) => void;
}

/** An endpoint's circuit opened or closed; `host` only, since RPC URLs may carry an API key in their path. */
export interface CircuitChange {
  chain: string;
  host: string;
  state: 'open' | 'closed';
}

/**
 * Calls a chain through the first healthy of its RPC URLs, each call with a timeout. An endpoint
 * that fails `failureThreshold` times in a row is skipped for `cooldownMs`. Hand-written: ethers'
 * FallbackProvider does quorum reads, not ordered failover with a breaker.
 */
export class FailoverRpc {
  private readonly endpoints: Endpoint[];
  private readonly timeoutMs: number;
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly onCircuitChange: ((change: CircuitChange) => void) | undefined;

  constructor(readonly chain: string, chainId: number, urls: string[], options: FailoverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.failureThreshold = options.failureThreshold ?? 3;
    this.cooldownMs = options.cooldownMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.onCircuitChange = options.onCircuitChange;
    this.endpoints = urls.map((url) => {
      const request = new FetchRequest(url);
      request.timeout = this.timeoutMs;
      const onRequest = options.onRequest;
      if (onRequest) request.preflightFunc = async (sent) => { onRequest(); return sent; };
      // staticNetwork: no network detection round trip (and no retry loop) when a node is down.
      const provider = new JsonRpcProvider(request, chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
      return { url, provider, consecutiveFailures: 0, openUntilMs: 0 };
    });
  }

  async call<T>(operation: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
    const now = this.now();
    const ready = this.endpoints.filter((e) => e.openUntilMs <= now);
    // With every circuit open, still try the one that reopens first rather than fail without trying.
    const candidates = ready.length > 0 ? ready : [...this.endpoints].sort((a, b) => a.openUntilMs - b.openUntilMs).slice(0, 1);
    let lastError: unknown;
    for (const endpoint of candidates) {
      try {
        const result = await operation(endpoint.provider);
        if (endpoint.openUntilMs > 0) this.onCircuitChange?.({ chain: this.chain, host: hostOf(endpoint.url), state: 'closed' });
        endpoint.consecutiveFailures = 0;
        endpoint.openUntilMs = 0;
        return result;
      } catch (error) {
        if (!isTransportError(error)) throw error;
        lastError = error;
        endpoint.consecutiveFailures += 1;
        if (endpoint.consecutiveFailures >= this.failureThreshold) {
          if (endpoint.openUntilMs <= now) this.onCircuitChange?.({ chain: this.chain, host: hostOf(endpoint.url), state: 'open' });
          endpoint.openUntilMs = this.now() + this.cooldownMs;
        }
      }
    }
    throw new ChainUnavailableError(this.chain, lastError);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

/** Errors of reaching the node, as opposed to the node's own answer (revert, nonce too low, ...). */
export function isTransportError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code === 'TIMEOUT' || code === 'NETWORK_ERROR' || code === 'SERVER_ERROR') return true;
  const message = String((error as Error).message ?? '');
  return /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|EHOSTUNREACH|ETIMEDOUT/i.test(message);
}
