// `npm run bench:payouts`: how much faster payouts go when chain-submit signs and broadcasts them
// back to back (several per block, the nonce owned in DynamoDB) than when each waits for its
// receipt (one per block). Starts its own stack; LANEPAY_BENCH_PORT_BASE moves its ports (default
// 7600), LANEPAY_BENCH_PAYOUTS and LANEPAY_BENCH_SERIAL_PAYOUTS set the sizes (120 and 30).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Payment } from '#lib/money/payments/schemas.js';
import { checkPayout } from '#lib/money/payouts/check.js';
import { readPaymentRecord } from '#lib/money/payouts/complete.js';
import { readPayout, submitPayout } from '#lib/money/payouts/submit.js';
import { localProvider } from '../scripts/stack/chains.js';
import { StackError } from '../scripts/stack/errors.js';
import { startStack, type RunningStack } from '../scripts/stack/stack.js';
import { payoutWorld, type PayoutWorld } from './payout-world.js';

const chainName = 'local-a';
const amountMinor = 1_000_000n; // 1 USDC
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'payouts.json');

interface PhaseResult {
  payouts: number;
  seconds: number;
  perMinute: number;
  blocks: number;
  txPerBlockMean: number;
  txPerBlockMax: number;
  kmsSignPerPayout: number;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const log = (line: string) => console.error(`  ${line}`);
let running: RunningStack | undefined;
let runDir: string | undefined;
let stopped: Promise<void> | undefined;

/** Stops the stack once and exits; a second call (the run failing because Ctrl-C stopped the stack) waits for the first. */
async function shutdown(code: number): Promise<never> {
  const first = stopped === undefined;
  // Before the stack is up, exiting runs process.ts's exit hook (kills the emulators started so
  // far) and the hardhat nodes exit with their parent.
  stopped ??= (async () => {
    await running?.stop();
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  })();
  await stopped;
  if (first) process.exit(code);
  return new Promise<never>(() => {}); // the first call exits with its code
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

try {
  const portBase = intFromEnv('LANEPAY_BENCH_PORT_BASE', 7600);
  const pipelinedCount = intFromEnv('LANEPAY_BENCH_PAYOUTS', 120);
  const serialCount = intFromEnv('LANEPAY_BENCH_SERIAL_PAYOUTS', 30);
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-bench-'));
  console.error(`Starting a stack on ports ${portBase}… (logs in ${runDir})`);
  running = await startStack({ portBase, runDir, watch: false, log });

  const funding = { gasWei: 10n ** 19n, usdcMinor: amountMinor * BigInt(pipelinedCount + serialCount) * 2n };
  const world = await payoutWorld(running.info, chainName, funding);
  console.error(`Bench world: table ${world.tableName}, hot wallet ${world.hotWallet} on ${chainName}`);

  // Authorizations are the API's work, not chain-submit's: created before the clock starts.
  const pipelinedPayments = await capture(world, pipelinedCount);
  const serialPayments = await capture(world, serialCount);

  console.error(`(a) pipelined: ${pipelinedCount} payouts submitted back to back…`);
  const pipelined = await pipelinedPhase(world, pipelinedPayments);
  console.error(`(b) one transaction per block: ${serialCount} payouts, each confirmed before the next…`);
  const serial = await serialPhase(world, serialPayments);
  const getPublicKeyCalls = world.kmsCalls.get('GetPublicKeyCommand') ?? 0;
  await world.dispose();

  const speedUp = pipelined.perMinute / serial.perMinute;
  console.log(report(pipelined, serial, speedUp, getPublicKeyCalls, world.hotWallet));
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify({
    chain: chainName, blockIntervalMs: 1000, ranAt: new Date().toISOString(),
    pipelined, oneTxPerBlock: { ...serial, extrapolated: serial.payouts !== pipelined.payouts }, speedUp: round(speedUp, 2), kmsGetPublicKeyCalls: getPublicKeyCalls,
  }, null, 2)}\n`);
  console.log(`\nWritten to ${path.relative(process.cwd(), resultsFile)}`);
  await shutdown(0);
} catch (error) {
  // After Ctrl-C the run fails because the stack went away: that error is no news.
  if (stopped === undefined) console.error(error instanceof StackError ? `\n${error.message}` : error);
  await shutdown(1);
}

/** chain-submit's FIFO order: one submit after another, then chain-check until every one is final. */
async function pipelinedPhase(world: PayoutWorld, payments: Payment[]): Promise<PhaseResult> {
  const signsBefore = world.kmsCalls.get('SignCommand') ?? 0;
  const startedAt = Date.now();
  const nonces = new Map<string, number>();
  for (const payment of payments) {
    await expectOutcome(submitPayout(world.payouts, payment), 'submitted', payment.id);
    nonces.set(payment.id, (await readPayout(world.payouts, payment.id))!.nonce!);
  }
  console.error(`    all submitted after ${seconds(startedAt)} s`);
  const pending = new Set(payments.map((p) => p.id));
  const provider = localProvider(world.rpcUrl);
  try {
    while (pending.size > 0) {
      // Only payouts whose nonce the chain has mined can be confirmed: checking the rest would only
      // load the shared emulators (chain-check waits for a delayed message instead).
      const mined = await provider.getTransactionCount(world.hotWallet, 'latest');
      const due = [...pending].filter((id) => nonces.get(id)! < mined);
      if (due.length === 0) {
        await sleep(200);
        continue;
      }
      await mapLimit(due, 4, async (id) => {
        const outcome = await checkPayout(world.payouts, id);
        if (outcome === 'succeeded') pending.delete(id);
        else if (outcome === 'failed' || outcome === 'final') throw new Error(`payout ${id} ended ${outcome}`);
      });
    }
  } finally {
    provider.destroy();
  }
  return phaseResult(world, payments, startedAt, signsBefore);
}

/** The naive wallet: each payout's receipt (and its confirmation) before the next is signed. */
async function serialPhase(world: PayoutWorld, payments: Payment[]): Promise<PhaseResult> {
  const signsBefore = world.kmsCalls.get('SignCommand') ?? 0;
  const startedAt = Date.now();
  const provider = localProvider(world.rpcUrl);
  try {
    for (const payment of payments) {
      await expectOutcome(submitPayout(world.payouts, payment), 'submitted', payment.id);
      const nonce = (await readPayout(world.payouts, payment.id))!.nonce!;
      for (;;) {
        if ((await provider.getTransactionCount(world.hotWallet, 'latest')) > nonce) {
          const outcome = await checkPayout(world.payouts, payment.id);
          if (outcome === 'succeeded') break;
          if (outcome === 'failed' || outcome === 'final') throw new Error(`payout ${payment.id} ended ${outcome}`);
        }
        await sleep(100);
      }
    }
  } finally {
    provider.destroy();
  }
  return phaseResult(world, payments, startedAt, signsBefore);
}

async function phaseResult(world: PayoutWorld, payments: Payment[], startedAt: number, signsBefore: number): Promise<PhaseResult> {
  const elapsedMs = Date.now() - startedAt;
  const signs = (world.kmsCalls.get('SignCommand') ?? 0) - signsBefore;
  const provider = localProvider(world.rpcUrl);
  try {
    const perBlock = new Map<number, number>();
    await mapLimit(payments, 8, async (payment) => {
      const hash = (await readPaymentRecord(world.payouts, payment.id))!.payment.tx_hash!;
      const block = (await provider.getTransactionReceipt(hash))!.blockNumber;
      perBlock.set(block, (perBlock.get(block) ?? 0) + 1);
    });
    return {
      payouts: payments.length,
      seconds: round(elapsedMs / 1000, 1),
      perMinute: round((payments.length / elapsedMs) * 60_000, 1),
      blocks: perBlock.size,
      txPerBlockMean: round(payments.length / perBlock.size, 2),
      txPerBlockMax: Math.max(...perBlock.values()),
      kmsSignPerPayout: round(signs / payments.length, 2),
    };
  } finally {
    provider.destroy();
  }
}

function report(pipelined: PhaseResult, serial: PhaseResult, speedUp: number, getPublicKeyCalls: number, hotWallet: string): string {
  const header = ['', 'payouts', 'seconds', 'per minute', 'blocks', 'tx/block mean', 'tx/block max', 'KMS Sign/payout'];
  const row = (name: string, r: PhaseResult) => [name, r.payouts, r.seconds.toFixed(1), r.perMinute.toFixed(1), r.blocks, r.txPerBlockMean.toFixed(2), r.txPerBlockMax, r.kmsSignPerPayout.toFixed(2)].map(String);
  const rows = [header, row('pipelined (a)', pipelined), row('one tx per block (b)', serial)];
  const widths = header.map((_, column) => Math.max(...rows.map((r) => r[column]!.length)));
  const table = rows.map((r) => r.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
  return [
    `Payouts on ${chainName} (1-second blocks), hot wallet ${hotWallet}; time from first submit to last confirmation`,
    '',
    table,
    '',
    `speed-up (per minute, a / b): ${speedUp.toFixed(1)}x`,
    ...(serial.payouts !== pipelined.payouts ? [`(b) ran ${serial.payouts} payouts; its per-minute figure is extrapolated from them.`] : []),
    `KMS GetPublicKey calls in total: ${getPublicKeyCalls} (the hot-wallet address is cached per key id)`,
  ].join('\n');
}

async function capture(world: PayoutWorld, count: number): Promise<Payment[]> {
  const payments: Payment[] = new Array(count);
  await mapLimit([...Array(count).keys()], 4, async (i) => {
    payments[i] = await world.capturedPayment(amountMinor);
  });
  return payments;
}

async function expectOutcome(outcome: Promise<string>, wanted: string, paymentId: string): Promise<void> {
  const got = await outcome;
  if (got !== wanted) throw new Error(`submitPayout(${paymentId}) answered ${got}, not ${wanted}`);
}

/** Runs `work` over `items` with at most `limit` at a time (chain-check's Lambda concurrency, roughly). */
async function mapLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new StackError(`${name} must be a positive integer, not "${raw}".`);
  return value;
}

// Declarations, not const arrows: the top-level await above runs before a const here is initialized.
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
