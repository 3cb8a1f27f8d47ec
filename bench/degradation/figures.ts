import fs from 'node:fs';
import { parseEmfLine, type MetricDatum } from '#platform';

/** p50 / p99 / max of a sample (nearest rank), and how many values exceed `overMs` when given. */
export function summary(values: number[], overMs?: number) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
  return { count: sorted.length, p50Ms: at(50), p99Ms: at(99), maxMs: Math.round(sorted.at(-1) ?? 0), over: overMs === undefined ? 0 : sorted.filter((v) => v > overMs).length };
}

/** The EMF documents the functions logged from a byte offset of the function log on (one JSON line each). */
export function metricData(functionLog: string | undefined, fromOffset: number): MetricDatum[] {
  if (!functionLog || !fs.existsSync(functionLog)) return [];
  const data: MetricDatum[] = [];
  for (const line of fs.readFileSync(functionLog).subarray(fromOffset).toString('utf8').split('\n')) {
    const datum = parseEmfLine(line);
    if (datum) data.push(datum);
  }
  return data;
}

/**
 * The SLO quantities themselves (infra/slos.json): authorize's `ApiLatency` (the time in the function)
 * for this merchant's requests, and chain-submit's `CaptureToBroadcastMs` logged in [fromMs, untilMs]
 * (the bench's stack pays out only its own merchants' payouts, one phase at a time).
 */
export function sloFigures(data: MetricDatum[], merchantId: string, fromMs: number, untilMs: number) {
  const apiLatency = data
    .filter((d) => d.service === 'authorize' && d.metadata.merchantId === merchantId)
    .flatMap((d) => d.values.ApiLatency ?? []);
  const captureToBroadcast = data
    .filter((d) => d.service === 'chain-submit' && d.timestampMs >= fromMs && d.timestampMs <= untilMs)
    .flatMap((d) => d.values.CaptureToBroadcastMs ?? []);
  return { apiLatency: summary(apiLatency, 800), captureToBroadcast: summary(captureToBroadcast, 10_000) };
}

/** One request the DynamoDB emulator served (its LANEPAY_DDB_REQUEST_LOG, scripts/stack/assets/moto_serial.py). */
interface EmulatorRequest {
  endMs: number;
  waitMs: number;
  heldMs: number;
  operation: string;
  prefix: string;
  /** `200`, or the error (a cancelled transaction's reasons after a colon). */
  outcome: string;
  /** The first key in the request's body. */
  key: string;
}

function emulatorRequests(requestLog: string | undefined, fromMs: number, untilMs: number): EmulatorRequest[] {
  if (!requestLog || !fs.existsSync(requestLog)) return [];
  return fs.readFileSync(requestLog, 'utf8').split('\n').flatMap((line) => {
    const [end, wait, held, operation, prefix, , outcome, key] = line.split(' ');
    const endMs = Number(end);
    if (!operation || !(endMs >= fromMs && endMs <= untilMs)) return [];
    return [{ endMs, waitMs: Number(wait), heldMs: Number(held), operation, prefix: prefix ?? '-', outcome: outcome ?? '?', key: key ?? '-' }];
  });
}

/**
 * Where the DynamoDB emulator's time went over a window: how busy it was (the share of the window it
 * held its lock: moto serves one request at a time), and per operation and key prefix the requests,
 * their wait for the lock and their time holding it. `TransactWriteItems IDEMP` and `PutItem IDEMP`
 * are authorize's two requests (the idempotency lock, then the transaction that starts with its record).
 */
export function emulatorProfile(requestLog: string | undefined, fromMs: number, untilMs: number) {
  const requests = emulatorRequests(requestLog, fromMs, untilMs);
  const groups = new Map<string, EmulatorRequest[]>();
  for (const request of requests) {
    const key = `${request.operation} ${request.prefix}`;
    groups.set(key, [...(groups.get(key) ?? []), request]);
  }
  const seconds = Math.max(1, (untilMs - fromMs) / 1000);
  const rows = [...groups].map(([key, group]) => ({
    key,
    perSecond: group.length / seconds,
    refused: group.filter((r) => r.outcome !== '200').length,
    refusals: topOutcomes(group.filter((r) => r.outcome !== '200')),
    heldShare: group.reduce((sum, r) => sum + r.heldMs, 0) / (seconds * 1000),
    wait: summary(group.map((r) => r.waitMs)),
    held: summary(group.map((r) => r.heldMs)),
  })).sort((a, b) => b.heldShare - a.heldShare);
  return {
    requests: requests.length,
    busyShare: requests.reduce((sum, r) => sum + r.heldMs, 0) / (seconds * 1000),
    wait: summary(requests.map((r) => r.waitMs)),
    rows,
  };
}

/** The commonest refusals of a group of requests, with their counts: `TransactionCanceledException:None,ConditionalCheckFailed ×12`. */
function topOutcomes(requests: EmulatorRequest[]): string {
  const counts = new Map<string, number>();
  for (const { outcome } of requests) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([outcome, count]) => `${outcome} ×${count}`).join('; ');
}

/**
 * Authorize's time in the DynamoDB emulator, per authorization of one merchant: its requests all name
 * its idempotency record first (`IDEMP#<merchant>#<key>`: the lock, each transaction sent, a release),
 * so their waits and times holding the lock add up to what the emulator cost it. What is left of
 * `ApiLatency` is the function's own work and the way to and from the emulator.
 */
export function authorizeInEmulator(requestLog: string | undefined, merchantId: string, fromMs: number, untilMs: number) {
  const perAuthorization = new Map<string, { ms: number; requests: number }>();
  for (const request of emulatorRequests(requestLog, fromMs, untilMs)) {
    if (!request.key.startsWith(`IDEMP#${merchantId}#`)) continue;
    const entry = perAuthorization.get(request.key) ?? { ms: 0, requests: 0 };
    entry.ms += request.waitMs + request.heldMs;
    entry.requests += 1;
    perAuthorization.set(request.key, entry);
  }
  const entries = [...perAuthorization.values()];
  return { ...summary(entries.map((e) => e.ms)), requestsPerAuthorization: entries.reduce((sum, e) => sum + e.requests, 0) / Math.max(1, entries.length) };
}
