import { randomUUID } from 'node:crypto';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The merchant API as a patient client calls it during faults: a request that gets no answer
 * (offline killed, an emulator frozen past the function's timeout), a 5xx, a 429 or a 409 (the same
 * idempotency key still in flight) is sent again with the same Idempotency-Key until `deadlineMs`.
 * `inFlight` counts requests under way, for the fault log.
 */
export function merchantApi(apiUrl: string, key: string) {
  let inFlight = 0;
  async function once(method: string, path: string, body: unknown, idempotencyKey: string | undefined): Promise<ApiAnswer> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(45_000),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { raw: text.slice(0, 200) };
    }
    return { status: response.status, body: parsed };
  }
  return {
    inFlight: () => inFlight,
    /** Sends until a final answer (2xx, or a 4xx other than 409/429); undefined when the deadline passed without one. */
    async call(method: string, path: string, body?: unknown, deadlineMs = 300_000): Promise<ApiAnswer & { tries: number } | undefined> {
      const idempotencyKey = method === 'POST' ? randomUUID() : undefined;
      const deadline = Date.now() + deadlineMs;
      inFlight += 1;
      try {
        for (let tries = 1; ; tries += 1) {
          const answer = await once(method, path, body, idempotencyKey).catch(() => undefined);
          if (answer && answer.status < 500 && answer.status !== 429 && answer.status !== 409) return { ...answer, tries };
          if (Date.now() > deadline) return undefined;
          await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.random() * 1_000));
        }
      } finally {
        inFlight -= 1;
      }
    },
  };
}

export type MerchantApi = ReturnType<typeof merchantApi>;

/** Every object of a list route (`GET /v1/payments`, `/v1/charges`), page by page. */
export async function listAll(api: MerchantApi, path: string): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await api.call('GET', `${path}?limit=100${after ? `&starting_after=${after}` : ''}`);
    if (!page || page.status !== 200) throw new Error(`GET ${path} answered ${page ? `${page.status} ${JSON.stringify(page.body)}` : 'nothing'}`);
    const data = page.body.data as Record<string, unknown>[];
    all.push(...data);
    if (!page.body.has_more || data.length === 0) return all;
    after = data.at(-1)!.id as string;
  }
}
