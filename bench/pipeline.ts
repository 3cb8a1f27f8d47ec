// `npm run bench:pipeline [-- --payouts 200 --stack .local/stack.json --log <offline.log>]`
//
// Payouts at block speed end to end: N payments (automatic capture, 1 USDC each, one merchant)
// through POST /v1/payments, all paid from the one hot wallet of local-a (1 s blocks), through the
// whole pipeline as it runs (stream, relay, chain-submit FIFO, chain-check). Prints payouts per
// block over the blocks that carry them, the time from the first request to the last success,
// p50/p99 request -> succeeded, the DynamoDB/KMS/SQS/RPC calls chain-submit and chain-check made
// per payout (the counters their batch log lines carry), duplicate chain-submit receives and
// dead-lettered messages. Goal: >= 10 payouts per block (mean), 0 duplicates, 0 dead-lettered.
//
// Starts its own stack on LANEPAY_BENCH_PORT_BASE (default 7700) unless --stack names a running
// one's stack.json (then --log names its serverless offline log, or calls and duplicates are not
// counted). Writes bench/results/pipeline.json.
import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant } from '#lib/merchants/merchants.js';
import { paymentKey, recordFromItem } from '#lib/money/payments/items.js';
import { retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { fundAddress, localProvider } from '../scripts/stack/chains.js';
import { localCredentials } from '../scripts/stack/provision.js';
import { startStack } from '../scripts/stack/stack.js';
import type { StackInfo } from '../scripts/stack/types.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({ options: { payouts: { type: 'string', default: process.env.LANEPAY_BENCH_PAYOUTS ?? '200' }, stack: { type: 'string' }, log: { type: 'string' } } });
const count = Number(args.payouts);
if (!Number.isInteger(count) || count < 1) throw new Error(`--payouts must be a positive integer, not ${args.payouts}`);
const chainName = 'local-a';
const amountMinor = 1_000_000n;
const deadlineMs = 600_000;
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'pipeline.json');
const progress = (line: string) => console.error(`  ${line}`);

type Calls = { dynamodb: number; kms: number; sqs: number; rpc: number };
interface Tracked { id: string; requestedAtMs: number; finishedAtMs?: number; status?: string; txHash?: string }

async function openStack(): Promise<{ info: StackInfo; logFile?: string; stop: () => Promise<void> }> {
  if (args.stack) return { info: JSON.parse(fs.readFileSync(args.stack, 'utf8')) as StackInfo, logFile: args.log, stop: async () => {} };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-bench-pipeline-'));
  const running = await startStack({ portBase: Number(process.env.LANEPAY_BENCH_PORT_BASE ?? '7700'), runDir, watch: false, log: progress });
  return { info: running.info, logFile: path.join(runDir, 'logs', 'offline.log'), stop: async () => { await running.stop(); fs.rmSync(runDir, { recursive: true, force: true }); } };
}

/**
 * One POST /v1/payments, retried with the same Idempotency-Key while the API answers try again
 * (contention on one merchant's balance, or serverless offline overwhelmed): counted as retries.
 */
async function pay(apiUrl: string, apiKey: string, retries: { count: number }): Promise<Tracked> {
  const idempotencyKey = randomUUID();
  // The same body on every attempt: the Idempotency-Key names this request.
  const body = JSON.stringify({ amount: amountMinor.toString(), asset: 'USDC', chain: chainName, destination: `0x${randomUUID().replaceAll('-', '')}${'0'.repeat(8)}` });
  const requestedAtMs = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    let status = 0;
    let text = '';
    try {
      const response = await fetch(`${apiUrl}/v1/payments`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Idempotency-Key': idempotencyKey, 'Content-Type': 'application/json' },
        body,
        signal: AbortSignal.timeout(120_000),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      text = String(error);
    }
    const answer = (() => {
      try {
        return JSON.parse(text) as { id?: string };
      } catch {
        return {};
      }
    })();
    if (status === 201 && answer.id) return { id: answer.id, requestedAtMs };
    if ((status === 0 || status === 409 || status === 429 || status >= 500) && attempt < 20) {
      retries.count += 1;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      continue;
    }
    throw new Error(`POST /v1/payments answered ${status} ${text.slice(0, 300)}`);
  }
}

/** Runs `task` `count` times with at most `limit` at once. */
async function inParallel<T>(count: number, limit: number, task: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task();
    }
  }));
  return results;
}

/** Reads the payments still open (BatchGetItem, 100 a call) and stamps the ones that became final. */
async function poll(dynamodb: DynamoDBClient, tableName: string, open: Tracked[]): Promise<void> {
  for (let start = 0; start < open.length; start += 100) {
    const chunk = open.slice(start, start + 100);
    const { Responses } = await dynamodb.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: chunk.map((t) => paymentKey(t.id)), ConsistentRead: true } } }));
    const now = Date.now();
    for (const item of Responses?.[tableName] ?? []) {
      const { payment } = recordFromItem(item);
      const tracked = chunk.find((t) => t.id === payment.id);
      if (tracked && (payment.status === 'succeeded' || payment.status === 'failed')) Object.assign(tracked, { finishedAtMs: now, status: payment.status, txHash: payment.tx_hash });
    }
  }
}

async function deadLettered(sqs: SQSClient, info: StackInfo): Promise<number> {
  let total = 0;
  for (const id of ['ChainSubmitDeadLetterQueue', 'ChainCheckDeadLetterQueue']) {
    const url = info.queues[id]?.url;
    if (!url) continue;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    total += Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return total;
}

/**
 * The JSON log records in serverless offline's log between two byte offsets: one object a line, or
 * pretty-printed (POWERTOOLS_DEV, as the local stage sets) from a line `{` to a line `}`.
 */
function logLines(logFile: string | undefined, from = 0, to?: number): Record<string, unknown>[] {
  if (!logFile || !fs.existsSync(logFile)) return [];
  const records: Record<string, unknown>[] = [];
  let open: string[] | undefined;
  const parse = (text: string) => {
    try {
      records.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      // Not a log record (a handler's own output).
    }
  };
  for (const line of fs.readFileSync(logFile).subarray(from, to).toString('utf8').split('\n')) {
    if (open) {
      open.push(line);
      if (line === '}') {
        parse(open.join('\n'));
        open = undefined;
      }
    } else if (line === '{') open = [line];
    else if (line.startsWith('{"')) parse(line);
  }
  return records;
}

/** Calls made by chain-submit and chain-check between two log positions: per container, its last counters after less before. */
function callsBetween(logFile: string | undefined, offset: number): Record<string, Calls> {
  const lastOf = (lines: Record<string, unknown>[]) => {
    const last = new Map<string, { service: string; calls: Calls }>();
    for (const line of lines) {
      if (line.message !== 'payout batch submitted' && line.message !== 'payout batch checked') continue;
      const calls = line.calls as Calls & { instance: string };
      last.set(`${String(line.service)}#${calls.instance}`, { service: String(line.service), calls });
    }
    return last;
  };
  const earlier = lastOf(logLines(logFile, 0, offset));
  const totals: Record<string, Calls> = {};
  for (const [key, { service, calls }] of lastOf(logLines(logFile, offset))) {
    const base = earlier.get(key)?.calls ?? { dynamodb: 0, kms: 0, sqs: 0, rpc: 0 };
    const total = (totals[service] ??= { dynamodb: 0, kms: 0, sqs: 0, rpc: 0 });
    for (const kind of ['dynamodb', 'kms', 'sqs', 'rpc'] as const) total[kind] += calls[kind] - base[kind];
  }
  return totals;
}

/** chain-submit receives beyond the first of each payment: its `payout submitted` lines. */
function duplicateReceives(logFile: string | undefined, offset: number, ids: Set<string>): number | undefined {
  if (!logFile) return undefined;
  const seen = new Map<string, number>();
  for (const line of logLines(logFile, offset)) {
    if (line.message === 'payout submitted' && ids.has(String(line.paymentId))) seen.set(String(line.paymentId), (seen.get(String(line.paymentId)) ?? 0) + 1);
  }
  return [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const stack = await openStack();
try {
  const { info } = stack;
  const aws = { region: info.region, credentials: localCredentials, maxAttempts: 8 };
  const dynamodb = retryTransactionConflicts(new DynamoDBClient({ ...aws, endpoint: info.endpoints.dynamodb }));
  const kms = new KMSClient({ ...aws, endpoint: info.endpoints.kms });
  const sqs = new SQSClient({ ...aws, endpoint: info.endpoints.sqs });
  const chain = info.chains.find((c) => c.name === chainName);
  if (!chain) throw new Error(`the stack has no chain ${chainName}`);
  const merchantDeps = { dynamodb, kms, tableName: info.tableName, apiKeyDigestKeyId: info.keys.ApiKeyDigestKey!, stage: 'local' as const, assets: ['USDC'] };
  const merchant = await createMerchant(merchantDeps, { name: `pipeline-${randomUUID().slice(0, 8)}` });
  await creditSandboxFunds(merchantDeps, { merchantId: merchant.merchant_id, asset: 'USDC', amountMinor: BigInt(count) * amountMinor * 2n, transferId: `trf_fund_${randomUUID()}` });
  await fundAddress(chain, chain.hotWallet, { gasWei: 10n ** 19n, usdcMinor: BigInt(count) * amountMinor });
  const deadBefore = await deadLettered(sqs, info);
  const logOffset = stack.logFile && fs.existsSync(stack.logFile) ? fs.statSync(stack.logFile).size : 0;

  progress(`${count} POST /v1/payments at ${info.apiUrl}, paid from ${chain.hotWallet} on ${chainName}`);
  const startedAtMs = Date.now();
  const retries = { count: 0 };
  // 50 requests in flight at most: a client's burst, without serverless offline dropping connections.
  const tracked = await inParallel(count, 50, () => pay(info.apiUrl, merchant.api_key, retries));
  const requestsDoneAtMs = Date.now();
  for (;;) {
    const open = tracked.filter((t) => t.finishedAtMs === undefined);
    if (open.length === 0) break;
    if (Date.now() - startedAtMs > deadlineMs) throw new Error(`${open.length} of ${count} payouts not final after ${deadlineMs / 1000} s`);
    await poll(dynamodb, info.tableName, open);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const lastAtMs = Math.max(...tracked.map((t) => t.finishedAtMs!));
  // The last batches' log lines are written as they end: give them a moment.
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const provider = localProvider(chain.rpcUrl);
  const receipts = await Promise.all(tracked.filter((t) => t.txHash).map((t) => provider.getTransactionReceipt(t.txHash!)));
  provider.destroy();
  const perBlock = new Map<number, number>();
  for (const receipt of receipts) perBlock.set(receipt!.blockNumber, (perBlock.get(receipt!.blockNumber) ?? 0) + 1);
  const blocks = [...perBlock.keys()].sort((a, b) => a - b);
  const latencies = tracked.map((t) => t.finishedAtMs! - t.requestedAtMs).sort((a, b) => a - b);
  const calls = callsBetween(stack.logFile, logOffset);
  const perPayout = (service: string) => {
    const total = calls[service];
    return total ? Object.fromEntries(Object.entries(total).map(([k, v]) => [k, Math.round((v / count) * 100) / 100])) : undefined;
  };
  const result = {
    payouts: count,
    succeeded: tracked.filter((t) => t.status === 'succeeded').length,
    requestsSeconds: (requestsDoneAtMs - startedAtMs) / 1000,
    requestRetries: retries.count,
    firstRequestToLastSuccessSeconds: (lastAtMs - startedAtMs) / 1000,
    blocksCarrying: blocks.length,
    blocksSpanned: blocks.length ? blocks.at(-1)! - blocks[0]! + 1 : 0,
    payoutsPerBlockMean: Math.round((receipts.length / Math.max(blocks.length, 1)) * 10) / 10,
    payoutsPerBlockMax: Math.max(0, ...perBlock.values()),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    callsPerPayout: { 'chain-submit': perPayout('chain-submit'), 'chain-check': perPayout('chain-check') },
    duplicateReceives: duplicateReceives(stack.logFile, logOffset, new Set(tracked.map((t) => t.id))),
    deadLettered: (await deadLettered(sqs, info)) - deadBefore,
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`,
    stack: args.stack ? 'running stack' : 'own stack (npm run dev style, no watch)',
  };
  dynamodb.destroy();
  kms.destroy();
  sqs.destroy();

  console.log(`${result.succeeded}/${count} payouts succeeded; ${result.firstRequestToLastSuccessSeconds.toFixed(1)} s from the first request to the last success (requests took ${result.requestsSeconds.toFixed(1)} s, ${result.requestRetries} retried)`);
  console.log(`payouts per block: ${result.payoutsPerBlockMean} mean over the ${result.blocksCarrying} blocks carrying them (max ${result.payoutsPerBlockMax}, ${result.blocksSpanned} blocks spanned)`);
  console.log(`request -> succeeded: p50 ${(result.latencyMs.p50 / 1000).toFixed(1)} s, p99 ${(result.latencyMs.p99 / 1000).toFixed(1)} s`);
  for (const [service, per] of Object.entries(result.callsPerPayout)) console.log(`${service} calls per payout: ${per ? Object.entries(per).map(([k, v]) => `${k} ${v}`).join(', ') : 'not counted (no log)'}`);
  console.log(`duplicate chain-submit receives: ${result.duplicateReceives ?? 'not counted (no log)'}; dead-lettered: ${result.deadLettered}`);
  console.log(`machine: ${result.machine}`);
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await stack.stop();
}
