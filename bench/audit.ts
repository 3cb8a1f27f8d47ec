// `npm run bench:audit [-- --payments 40 --records 300000 --close-lanes 1000,10000 --stack .local/stack.json --verify-only --close-only]`
//
// What the audit log costs and how fast it verifies:
// 1. DynamoDB requests and transaction items per payment (authorize with manual capture, then
//    capture), counted by an SDK middleware on the client the writers use: once as shipped, once
//    with the audit items stripped from every transaction before it is sent (the same flow without
//    the audit log). Goal: the same number of requests, two more items per transaction. Also the
//    cost of a cold container (a head not yet known: one cancelled transaction, then the rebuilt one)
//    and of writers racing on one merchant's chain (rebuilds per write).
// 2. Verification speed on one core: a chain of --records records, built in memory, checked by
//    verifyChain (canonical JSON + SHA-256 per record) and hashed into its RFC 6962 root. Goal
//    ≥ 100,000 records per second. No stack needed for this part (--verify-only).
// 3. A period close over --close-lanes active lanes (lanes with a new record each, written straight
//    into the table), run as the audit-anchor function runs it: calls with a deadline of a Lambda
//    given --invocation-seconds (as the local invoke gives 30 s), each resuming where the last
//    stopped. Reports the wall time and the number of invocations it took.
//
// Part 1 starts its own stack on LANEPAY_BENCH_PORT_BASE (default 7500) unless --stack names a
// running one's StackInfo; moto serializes requests, so only counts are meaningful there, not times.
import { DynamoDBClient, type TransactWriteItem, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { forgetHeads } from '../lib/audit/heads.js';
import { recordLeaf } from '../lib/audit/digests.js';
import { merkleRoot } from '../lib/audit/merkle.js';
import { genesisHash, recordItem, sealRecord, storedRecordFromItem, type StoredRecord } from '../lib/audit/record.js';
import { verifyChain } from '../lib/audit/verify-chain.js';
import { retryTransactionConflicts } from '../lib/aws/transaction-conflicts.js';
import { ContentionError } from '../lib/errors/index.js';
import type { MerchantProfile } from '../lib/merchants/profile.js';
import { authorizePayment } from '../lib/payments/authorize.js';
import { settlePayment } from '../lib/payments/settle.js';
import { localCredentials } from '../scripts/stack/provision.js';
import type { StackInfo } from '../scripts/stack/types.js';
import { fundedMerchants, paymentDeps } from './payments-hot-path/deps.js';
import { newCapture, newTicket } from './payments-hot-path/flows.js';
import { openStack, type BenchStack } from './payments-hot-path/stack.js';
import { closeFigures } from './audit/close.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({
  options: {
    payments: { type: 'string', default: '40' },
    records: { type: 'string', default: '300000' },
    stack: { type: 'string' },
    'verify-only': { type: 'boolean', default: false },
    'close-only': { type: 'boolean', default: false },
    'close-lanes': { type: 'string', default: '1000,10000' },
    'invocation-seconds': { type: 'string', default: '30' },
  },
});
const progress = (line: string) => console.error(`  ${line}`);

interface Counts {
  requests: number;
  transactions: number;
  items: number;
  cancelled: number;
}

const isAuditItem = (item: TransactWriteItem) =>
  ['audit-record', 'audit-chain'].includes(item.Put?.Item?.entity?.S ?? '') || item.Update?.Key?.sk?.S === 'HEAD' && item.Update.Key.pk?.S?.startsWith('AUDIT#');

/**
 * A client as the functions build it, with a counter below every Lanepay middleware (so rebuilt
 * and retried transactions count) and, for the baseline, a step that drops audit items.
 */
function countingClient(info: StackInfo, stripAudit: boolean, counts: Counts = { requests: 0, transactions: 0, items: 0, cancelled: 0 }): { client: DynamoDBClient; counts: Counts } {
  const client = retryTransactionConflicts(new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb, maxAttempts: 8 }));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.requests += 1;
      let sent = args;
      if (context.commandName === 'TransactWriteItemsCommand') {
        const input = args.input as TransactWriteItemsCommandInput;
        const items = stripAudit ? (input.TransactItems ?? []).filter((item) => !isAuditItem(item)) : input.TransactItems ?? [];
        sent = { ...args, input: { ...input, TransactItems: items } };
        counts.transactions += 1;
        counts.items += items.length;
      }
      try {
        return await next(sent);
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') counts.cancelled += 1;
        throw error;
      }
    },
    { step: 'initialize', priority: 'low', name: 'benchAuditCount' },
  );
  return { client, counts };
}

/** Authorize + capture `count` times; returns how many calls gave up (ContentionError, 503 try_again: the chain kept moving). */
async function paymentsOn(info: StackInfo, merchant: MerchantProfile, client: DynamoDBClient, count: number, cold: boolean): Promise<number> {
  const deps = paymentDeps(info, client);
  const chain = info.chains[0]!.name;
  let gaveUp = 0;
  const attempt = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ContentionError)) throw error;
      gaveUp += 1;
      return undefined;
    }
  };
  for (let i = 0; i < count; i += 1) {
    if (cold) forgetHeads();
    const created = await attempt(() => authorizePayment(deps, newTicket(merchant, chain, 'manual')));
    if (!created) continue;
    if (created.outcome !== 'created') throw new Error(`payment ${created.payment.id} was ${created.outcome}`);
    const capture = newCapture(merchant, created.payment.id);
    await attempt(() => settlePayment(deps, { merchant, paymentId: capture.paymentId, action: { kind: 'capture' }, idempotency: { key: capture.idempotencyKey, fingerprint: capture.fingerprint } }));
  }
  return gaveUp;
}

async function requestFigures(info: StackInfo, payments: number) {
  const [merchantA, merchantB, merchantC, merchantD, merchantE, merchantF] = await fundedMerchants(info, 6, 10n ** 12n);
  const figures: Record<string, string | number> = {};
  // Racing writers get a client each, as separate Lambda containers would: one client queues its own
  // writers of a merchant (lib/audit/writer.ts), so they would not race at all.
  const run = async (name: string, merchant: MerchantProfile, strip: boolean, cold: boolean, concurrent = 1) => {
    const counts: Counts = { requests: 0, transactions: 0, items: 0, cancelled: 0 };
    const each = Math.ceil(payments / concurrent);
    const gaveUp = (await Promise.all(Array.from({ length: concurrent }, async () => {
      const writer = countingClient(info, strip, counts);
      try {
        return await paymentsOn(info, merchant, writer.client, each, cold);
      } finally {
        writer.client.destroy();
      }
    }))).reduce((a, b) => a + b, 0);
    const n = each * concurrent;
    progress(`${name}: ${n} payments, ${counts.requests} requests, ${counts.transactions} transactions, ${counts.items} items, ${counts.cancelled} cancelled, ${gaveUp} calls gave up`);
    return { perPayment: counts.requests / n, itemsPerTransaction: counts.items / counts.transactions, cancelledPerPayment: counts.cancelled / n, gaveUp };
  };
  await paymentsOn(info, merchantA!, countingClient(info, false).client, 1, false); // warm the head cache, as a warm container has it
  const without = await run('without audit items', merchantB!, true, false);
  const warm = await run('with audit, warm container', merchantA!, false, false);
  const cold = await run('with audit, cold container every payment', merchantC!, false, true);
  const racingWithout = await run('without audit items, 4 writers racing on one merchant', merchantE!, true, false, 4);
  const racing = await run('with audit, 4 writers racing on one merchant', merchantD!, false, false, 4);
  // A burst: thirty containers at once, one payment each (bench:dev-burst sends a hundred through HTTP).
  const burst = await run('with audit, a burst of 30 writers on one merchant', merchantF!, false, false, 30);
  figures['requests per payment (authorize + capture), no audit'] = without.perPayment.toFixed(2);
  figures['requests per payment, audit, warm'] = warm.perPayment.toFixed(2);
  figures['requests added per payment, warm'] = (warm.perPayment - without.perPayment).toFixed(2);
  figures['items per transaction, no audit'] = without.itemsPerTransaction.toFixed(2);
  figures['items per transaction, audit'] = warm.itemsPerTransaction.toFixed(2);
  figures['requests added per payment, cold head every payment'] = (cold.perPayment - without.perPayment).toFixed(2);
  figures['cancelled transactions per payment, 4 racing writers, no audit'] = racingWithout.cancelledPerPayment.toFixed(2);
  figures['cancelled transactions per payment, 4 racing writers, audit'] = racing.cancelledPerPayment.toFixed(2);
  figures['requests per payment, 4 racing writers, no audit'] = racingWithout.perPayment.toFixed(2);
  figures['requests per payment, 4 racing writers, audit'] = racing.perPayment.toFixed(2);
  figures['calls that gave up (503 try_again), 4 racing writers'] = racing.gaveUp;
  figures['requests per payment, burst of 30 writers, audit'] = burst.perPayment.toFixed(2);
  figures['calls that gave up (503 try_again), burst of 30 writers'] = burst.gaveUp;
  return figures;
}

/** Wall time and CPU time (user + system) of `run`: on a shared machine CPU time is the one-core figure. */
function timed(run: () => void): { wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  run();
  const used = process.cpuUsage(cpu);
  return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

function verificationFigures(count: number) {
  const items: ReturnType<typeof recordItem>[] = [];
  let prev = genesisHash;
  const at = new Date('2026-11-26T12:00:00Z').toISOString();
  for (let seq = 1; seq <= count; seq += 1) {
    const record = sealRecord({ merchant_id: 'mer_bench', lane: 0, seq, at, actor: { type: 'api_key', id: 'key_01jbench' }, action: 'payment.authorized', object: { type: 'payment', id: `pay_${seq}` }, prev_hash: prev });
    items.push(recordItem(record));
    prev = record.hash;
  }
  const head = { seq: count, hash: prev };
  verifyChain(items.slice(0, 10_000).map(storedRecordFromItem)); // warm-up: JIT, not measured
  // As `audit verify` does once the items are read: parse, check the chain, recompute the root.
  let records: StoredRecord[] = [];
  const parse = timed(() => {
    records = items.map(storedRecordFromItem);
  });
  const chain = timed(() => {
    const check = verifyChain(records, undefined, head);
    if (check.broken || check.checked !== count) throw new Error(`verification failed on an untouched chain: ${JSON.stringify(check.broken)}`);
  });
  const root = timed(() => merkleRoot(records.map((r) => recordLeaf(r.hash))));
  const perSecond = (ms: number) => Math.round(count / (ms / 1000));
  return {
    'records verified': count,
    'load average (1 min) while measuring': os.loadavg()[0]!.toFixed(1),
    'parse items: records per CPU-second': perSecond(parse.cpuMs),
    'hash chain: records per CPU-second': perSecond(chain.cpuMs),
    'Merkle root: records per CPU-second': perSecond(root.cpuMs),
    'all three: records per CPU-second (one core)': perSecond(parse.cpuMs + chain.cpuMs + root.cpuMs),
    'all three: records per wall-second (shared machine)': perSecond(parse.wallMs + chain.wallMs + root.wallMs),
  };
}

function print(title: string, figures: Record<string, string | number>) {
  console.log(`\n${title}`);
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(width)}  ${value}`);
}

let stack: BenchStack | undefined;
try {
  const records = Number(args.records);
  const payments = Number(args.payments);
  if (!Number.isInteger(records) || records < 1 || !Number.isInteger(payments) || payments < 1) throw new Error('--records and --payments are positive integers');
  print('Verification speed (node, one core; goal ≥ 100,000 records/s)', verificationFigures(records));
  if (!args['verify-only']) {
    stack = await openStack(args.stack, progress);
    if (!args['close-only']) print('DynamoDB requests per payment (goal: none added; the audit items ride in the existing transactions)', await requestFigures(stack.info, payments));
    print(`Period close, invocations of ${args['invocation-seconds']} s (goal: every invocation returns in time; the period covers every lane)`, await closeFigures(stack.info, args['close-lanes'].split(',').map(Number), Number(args['invocation-seconds'])));
  }
} finally {
  await stack?.stop();
}
