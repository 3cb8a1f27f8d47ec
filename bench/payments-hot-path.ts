// `npm run bench:payments [-- --n 200 --seconds 4 --calls 2000 --stack .local/stack.json]`
//
// The authorize and capture hot paths, in-process against the local emulators: DynamoDB requests
// per call, p50/p99 latency of N sequential calls, and throughput of 50 concurrent callers (each
// on its own merchant, then all on one merchant), for Lanepay's own idempotency store and for the
// same flow on Powertools' idempotency utility (bench/payments-hot-path/powertools.ts).
//
// Read the figures with this in mind: moto (the DynamoDB emulator) serializes requests, one at a
// time, so the latencies and throughputs are the emulator's, not DynamoDB's; they compare the two
// flows with each other, not with production. Requests per call are exact for a call that met no
// conflict. The emulator refuses writes that would have overlapped on DynamoDB (TransactionConflict,
// scripts/stack/assets/moto_serial.py), so the one-merchant figures include the retries a hot
// account causes; a call whose retries run out is counted as failed (a 503 try_again at the API).
//
// Starts its own stack on LANEPAY_BENCH_PORT_BASE (default 7500) and stops it at the end or on
// Ctrl-C, unless --stack points at a running one's StackInfo. Writes bench/results/payments-hot-path.json.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import type { PaymentResult } from '#lib/money/payments/authorize.js';
import { countingDynamoDB, fundedMerchants, paymentDeps } from './payments-hot-path/deps.js';
import { lanepayFlow, newCapture, newTicket, type PaymentFlow, type Ticket } from './payments-hot-path/flows.js';
import { concurrent, sequential } from './payments-hot-path/measure.js';
import { createIdempotencyTable, powertoolsFlow, skipLanepayIdempotency } from './payments-hot-path/powertools.js';
import { printTable, writeJson, type OperationResult } from './payments-hot-path/report.js';
import { openStack, type BenchStack } from './payments-hot-path/stack.js';

// engines pins node 20; the SDK's "node 22 from 2027" notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    // 10 s per run would be 16 runs × 10 s; 4 s keeps the whole bench under ~3 minutes on 2 cores.
    seconds: { type: 'string', default: '4' },
    calls: { type: 'string', default: '2000' },
    callers: { type: 'string', default: '50' },
    stack: { type: 'string' },
  },
});
const n = positiveInt('n', args.n);
const load = { seconds: positiveNumber('seconds', args.seconds), maxCalls: positiveInt('calls', args.calls), callers: positiveInt('callers', args.callers) };

const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'payments-hot-path.json');
const progress = (line: string) => console.error(`  ${line}`);

const comparison =
  'lanepay = authorizePayment/settlePayment as shipped: lock Put, then the payment transaction, which also records the response. ' +
  "powertools = makeIdempotent with DynamoDBPersistenceLayer (own table, key `id`): Powertools' lock Put, the same Lanepay transaction " +
  "without Lanepay's idempotency item (its lock and completion are dropped before they reach DynamoDB), then Powertools' completion UpdateItem. " +
  'Capture on powertools calls settlePayment without an idempotency key. Both key on (merchant, Idempotency-Key) and refuse a different request body.';

let stack: BenchStack | undefined;
const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Before the stack is up there is nothing to await: exiting runs scripts/stack/process.ts's exit
  // hook, which kills the services started so far.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => progress(`cleanup failed: ${(error as Error).message}`));
  if (stack?.owned) {
    progress('stopping the stack…');
    await stack.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

const operations = ['authorize, manual capture', 'replay, same Idempotency-Key', 'capture, with Idempotency-Key', 'authorize, automatic capture'] as const;
type Operation = (typeof operations)[number];

/** Authorized payments a caller created, for its replays and captures. */
interface Created {
  ticket: Ticket;
  paymentId: string;
}

function expectStatus(result: PaymentResult, status: string): PaymentResult {
  // A decline is a different (cheaper) path: measuring it by accident would flatter both flows.
  if (result.payment.status !== status) throw new Error(`expected a ${status} payment, got ${result.payment.status} (${result.payment.decline_code ?? 'no decline code'})`);
  return result;
}

/** One call of `operation` by `caller`; false when the caller has nothing left to replay or capture. */
function operationCall(flow: PaymentFlow, operation: Operation, chain: string, merchantOf: (caller: number) => MerchantProfile, created: Created[][]) {
  const cursors = created.map(() => 0);
  return async (caller: number): Promise<boolean> => {
    const mine = (created[caller] ??= []);
    switch (operation) {
      case 'authorize, manual capture': {
        const ticket = newTicket(merchantOf(caller), chain, 'manual');
        const result = expectStatus(await flow.authorize(ticket), 'authorized');
        mine.push({ ticket, paymentId: result.payment.id });
        return true;
      }
      case 'replay, same Idempotency-Key': {
        if (mine.length === 0) return false;
        const { ticket, paymentId } = mine[cursors[caller]!++ % mine.length]!;
        const result = await flow.authorize(ticket);
        if (result.payment.id !== paymentId) throw new Error(`replay answered ${result.payment.id}, not ${paymentId}`);
        return true;
      }
      case 'capture, with Idempotency-Key': {
        const next = mine.pop();
        if (!next) return false;
        expectStatus(await flow.capture(newCapture(next.ticket.merchant, next.paymentId)), 'processing');
        return true;
      }
      case 'authorize, automatic capture':
        expectStatus(await flow.authorize(newTicket(merchantOf(caller), chain, 'automatic')), 'processing');
        return true;
    }
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  progress(args.stack ? `reusing the stack in ${args.stack}` : 'starting a local stack…');
  stack = await openStack(args.stack, progress);
  const { info } = stack;
  const chain = info.chains[0]!.name;

  // One client per flow, so each flow's requests are counted apart.
  const lanepayClient = countingDynamoDB(info);
  const powertoolsClient = countingDynamoDB(info);
  skipLanepayIdempotency(powertoolsClient.client, info.tableName);
  const table = await createIdempotencyTable(powertoolsClient.client);
  cleanups.push(table.drop);
  const flows = [
    lanepayFlow(paymentDeps(info, lanepayClient.client), lanepayClient.requests),
    powertoolsFlow(paymentDeps(info, powertoolsClient.client), powertoolsClient.client, table.tableName, powertoolsClient.requests),
  ];

  progress(`creating ${load.callers + 2} funded merchants…`);
  // 1,000,000 USDC each: 1 USDC payments never run a merchant dry, and stay far under the daily limits.
  const [sequentialMerchant, hotMerchant, ...merchants] = await fundedMerchants(info, load.callers + 2, 1_000_000n * 1_000_000n);

  // Warm-up (sockets, JIT, moto's first-use paths), not measured.
  for (const flow of flows) {
    const created: Created[][] = [[]];
    for (const operation of operations) await sequential(10, () => operationCall(flow, operation, chain, () => sequentialMerchant!, created)(0).then(() => {}));
  }

  const results = new Map<string, Partial<OperationResult>>();
  const resultFor = (flow: PaymentFlow, operation: Operation) => {
    const key = `${flow.name}|${operation}`;
    if (!results.has(key)) results.set(key, { flow: flow.name, operation });
    return results.get(key)!;
  };
  // Alternating which flow goes first, so neither always runs behind the other's background work
  // (the stack's stream consumer and payout pipeline react to every payment).
  let turn = 0;
  const inTurn = () => (turn++ % 2 === 0 ? flows : [...flows].reverse());

  // Sequential: latency and exact requests per call, on one merchant.
  const sequentialCreated = new Map(flows.map((flow) => [flow.name, [[]] as Created[][]]));
  for (const operation of operations) {
    for (const flow of inTurn()) {
      const created = sequentialCreated.get(flow.name)!;
      const calls = operation === 'authorize, manual capture' || operation === 'authorize, automatic capture' ? n : created[0]!.length;
      const call = operationCall(flow, operation, chain, () => sequentialMerchant!, created);
      const before = flow.requests();
      // A replay or capture reports false only when nothing is left, which sequential() would count as a success.
      const latency = await sequential(calls, async () => {
        if (!(await call(0))) throw new Error('nothing left to call');
      });
      const requestsPerCall = (flow.requests() - before) / (latency.calls + latency.errors);
      Object.assign(resultFor(flow, operation), { requestsPerCall, sequential: latency });
      progress(`${flow.name} ${operation}: ${requestsPerCall.toFixed(2)} req/call, p50 ${latency.p50Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms`);
    }
  }

  // Throughput: many merchants (one per caller), then one hot merchant shared by all callers.
  const loads = [
    { field: 'manyMerchants', label: `${load.callers} callers, one merchant each`, merchantOf: (caller: number) => merchants[caller]! },
    { field: 'oneMerchant', label: `${load.callers} callers, one merchant`, merchantOf: () => hotMerchant! },
  ] as const;
  for (const { field, label, merchantOf } of loads) {
    const createdBy = new Map(flows.map((flow) => [flow.name, Array.from({ length: load.callers }, () => [] as Created[])]));
    for (const operation of operations) {
      for (const flow of inTurn()) {
        const before = flow.requests();
        const run = await concurrent(load, operationCall(flow, operation, chain, merchantOf, createdBy.get(flow.name)!));
        const requestsPerCall = (flow.requests() - before) / (run.calls + run.errors);
        resultFor(flow, operation)[field] = { ...run, requestsPerCall };
        progress(`${flow.name} ${operation}, ${label}: ${run.perSecond.toFixed(1)} calls/s (${run.calls} calls in ${run.seconds.toFixed(1)} s)`);
      }
    }
  }

  const ordered = flows.flatMap((flow) => operations.map((operation) => results.get(`${flow.name}|${operation}`) as OperationResult));
  const notes = [
    `What is compared: ${comparison}`,
    `Latency: ${n} sequential calls on one merchant (replays and captures: of the payments those authorized). Throughput: ${load.callers} concurrent callers ` +
      `for ${load.seconds} s or ${load.maxCalls} calls (calls made in brackets; captures stop when a caller's authorized payments run out).`,
    'Emulator: moto serializes DynamoDB requests, so latencies and throughputs are the emulator\'s, not DynamoDB\'s; requests per call are exact. ' +
      'The emulator refuses overlapping writes to one item with TransactionConflict as DynamoDB does; the one-merchant figures include those retries, and calls whose retries ran out (503 try_again) are reported as failed. ' +
      "The stack's stream consumer and payout pipeline run meanwhile, on the same moto and CPUs.",
    `Figures also in ${path.relative(process.cwd(), resultsFile)}.`,
  ];
  printTable(ordered, notes);
  writeJson(resultsFile, {
    generatedAt: new Date().toISOString(),
    settings: { n, ...load, stack: stack.owned ? 'started by the bench' : args.stack, durationSeconds: (Date.now() - startedAt) / 1000 },
    comparison,
    notes,
    results: ordered,
  });
}

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, not "${raw}".`);
  return value;
}

function positiveNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, not "${raw}".`);
  return value;
}

try {
  await main();
  await shutdown(0);
} catch (error) {
  console.error(error);
  await shutdown(1);
}
