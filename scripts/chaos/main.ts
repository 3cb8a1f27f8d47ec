// `npm run chaos [-- --short] [--seed N] [--port-base P]`
//
// Issue 24's chaos run: a payout and pay-in workload on a stack of its own while, one at a time
// and at seeded random moments, a component is frozen (SIGSTOP for 5-30 s, then SIGCONT) or killed
// and started again (faults.ts says which and why). Then it waits until the system is at rest
// (settle.ts: the reconciler and dead-letter redrive an operator has) and checks every invariant
// (checks.ts), printing each with its figures. Exit code 1 when one does not hold.
//
// Ports: --port-base, else LANEPAY_TEST_PORT_BASE, else 5500 (the stack uses base .. base+12).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { localCredentials } from '../stack/provision.js';
import { startStack, type RunningStack } from '../stack/stack.js';
import { listAll, merchantApi } from './api.js';
import { chargesSucceeded, check, deadLetters, destinationsPaidOnce, eventsDelivered, ledgerBalances, noncesContiguous, paymentsFinal, type CheckResult } from './checks.js';
import { lanepay } from './cli.js';
import { applyFault, describeFault, planFaults, type FaultRecord } from './faults.js';
import { settle } from './settle.js';
import { chaosMerchant, runWorkload, webhookReceiver } from './workload.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Webhook retries that outlast a 30 s freeze (the local default gives up after 9 s; AWS's
// schedule spans three days): what is checked is that every event arrives, not the local schedule.
process.env.LANEPAY_WEBHOOK_RETRY_SCHEDULE ??= '5,10,20,40,80,160,300';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    seed: { type: 'string' },
    'port-base': { type: 'string' },
  },
});
const profile = args.short
  ? { name: 'short', workloadSeconds: 100, freezeSeconds: { min: 5, max: 15 }, payoutEveryMs: 2_000, chargeEveryMs: 8_000, settleSeconds: 420 }
  : { name: 'full', workloadSeconds: 240, freezeSeconds: { min: 5, max: 30 }, payoutEveryMs: 1_500, chargeEveryMs: 6_000, settleSeconds: 600 };
const seed = args.seed === undefined ? randomInt(2 ** 31) : Number(args.seed);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, not "${args.seed}"`);
const portBase = Number(args['port-base'] ?? process.env.LANEPAY_TEST_PORT_BASE ?? 5500);
if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_523) throw new Error(`the port base must be a port number between 1024 and 65523, not ${portBase}`);

const t0 = Date.now();
const stamp = () => `${new Date().toISOString()} +${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
const log = (line: string) => console.log(`${stamp()}  ${line}`);

log(`chaos (${profile.name}): seed ${seed} (replay: npm run chaos --${args.short ? ' --short' : ''} --seed ${seed}), port base ${portBase}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
log('frozen (SIGSTOP/SIGCONT), never killed: moto (DynamoDB; its data is in memory only), local-kms (KMS) and both hardhat nodes (their chains are in memory only: hardhat 2 cannot keep one across a restart)');
log('killed (SIGKILL) and restarted on the same ports: ElasticMQ (queues and messages on disk for this run) and serverless offline (stateless)');
const plan = planFaults(seed, profile.workloadSeconds, profile.freezeSeconds);
// The workload outlasts the last fault, so every fault lands on a system under load.
const workloadSeconds = Math.max(profile.workloadSeconds, (plan.at(-1)?.endsAtSeconds ?? 0) + 10);
for (const planned of plan) log(`  planned at +${planned.atSeconds}s of the workload: ${describeFault(planned.fault)}`);

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-chaos-stack-'));
let stack: RunningStack | undefined;
let failed = true;
try {
  stack = await startStack({ portBase, runDir, watch: false, durableQueues: true, log: (line) => log(`stack: ${line}`) });
  const running = stack;
  const { info } = running;
  const stackFile = path.join(runDir, 'stack.json');
  fs.writeFileSync(stackFile, JSON.stringify(info, null, 2));
  const aws = { region: info.region, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: info.endpoints.dynamodb });
  const sqs = new SQSClient({ ...aws, endpoint: info.endpoints.sqs });
  const receiver = await webhookReceiver();
  try {
    const { merchantId, key } = await chaosMerchant(info);
    const api = merchantApi(info.apiUrl, key);
    const endpoint = await api.call('POST', '/v1/webhook_endpoints', { url: receiver.url, events: ['*'] });
    if (endpoint?.status !== 201) throw new Error(`the webhook endpoint was refused: ${JSON.stringify(endpoint)}`);
    receiver.trust(endpoint.body.secret as string);

    // A component that dies on its own (not one of ours) ends the run: the checks would mean nothing.
    const died = running.died.then((message) => {
      throw new Error(`a component died outside the plan: ${message}`);
    });
    // Raced below; a death after the last race (during the checks) must not crash the run past its cleanup.
    died.catch(() => {});
    log(`workload: ${workloadSeconds} s, a payout every ${profile.payoutEveryMs / 1000} s, a paid charge every ${profile.chargeEveryMs / 1000} s; merchant ${merchantId}`);
    const workloadStartMs = Date.now();
    const faultLog: FaultRecord[] = [];
    const faults = (async () => {
      for (const planned of plan) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, workloadStartMs + planned.atSeconds * 1000 - Date.now())));
        // Mid-invocation: a kill of offline waits (at most 10 s) for a request of the workload in flight.
        for (const until = Date.now() + 10_000; planned.fault.component === 'offline' && api.inFlight() === 0 && Date.now() < until;) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const record: FaultRecord = { fault: planned.fault, startedAtMs: Date.now(), endedAtMs: 0, inFlight: api.inFlight() };
        log(`fault: ${describeFault(planned.fault)}: begins (${record.inFlight} API requests in flight)`);
        try {
          await applyFault(running.faults, planned.fault, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        } catch (error) {
          record.error = (error as Error).message;
        }
        record.endedAtMs = Date.now();
        faultLog.push(record);
        log(`fault: ${describeFault(planned.fault)}: over after ${((record.endedAtMs - record.startedAtMs) / 1000).toFixed(1)} s${record.error ? ` (FAILED: ${record.error})` : ''}`);
      }
    })();
    const workload = await Promise.race([
      Promise.all([runWorkload({ info, api, seconds: workloadSeconds, payoutEveryMs: profile.payoutEveryMs, chargeEveryMs: profile.chargeEveryMs, log }), faults]).then(([w]) => w),
      died,
    ]);
    const answered = workload.payouts.filter((p) => p.id).length;
    log(`workload over: ${workload.payouts.length} payouts requested (${answered} answered 201), ${workload.charges.length} charges opened (${workload.charges.filter((c) => c.txHash).length} paid on chain)`);

    const rest = await Promise.race([
      settle({ info, stackFile, api, dynamodb, sqs, merchantId, received: receiver.received, deadlineMs: Date.now() + profile.settleSeconds * 1000, log }),
      died,
    ]);

    const rpc = async (chainName: string, method: string, params: unknown[]) => {
      const chain = info.chains.find((c) => c.name === chainName)!;
      const response = await fetch(chain.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
      const body = (await response.json()) as { result?: unknown; error?: { message: string } };
      if (body.error) throw new Error(`${chainName} ${method}: ${body.error.message}`);
      return body.result;
    };
    const payments = await listAll(api, '/v1/payments');
    const charges = await listAll(api, '/v1/charges');
    const checks: CheckResult[] = [
      check('the system came to rest', `${rest.settled ? 'at rest' : 'NOT at rest'} ${rest.seconds} s after the workload; ${rest.actions.length} operator actions`, rest.settled ? [] : ['deadline passed before every payment, charge and event settled']),
      check('every fault was applied', `${faultLog.length} faults`, faultLog.filter((f) => f.error).map((f) => `${describeFault(f.fault)}: ${f.error}`)),
      check('every payout request answered', `${answered} of ${workload.payouts.length} answered 201`, workload.payouts.filter((p) => !p.id).map((p) => `a payout to ${p.destination} answered ${p.answer}`)),
      await paymentsFinal(dynamodb, info.tableName, payments),
      chargesSucceeded(charges),
      await noncesContiguous(dynamodb, info, rpc),
      await destinationsPaidOnce(info, payments, rpc),
      await ledgerBalances(dynamodb, info.tableName),
      await eventsDelivered(dynamodb, info.tableName, merchantId, receiver.received, receiver.badSignatures()),
      await reconcilerClean(stackFile),
      await auditVerifies(stackFile, merchantId),
      await deadLettersEmpty(sqs),
    ];
    async function deadLettersEmpty(client: SQSClient): Promise<CheckResult> {
      const dead = await deadLetters(client, info);
      return check('dead-letter queues empty', dead.size === 0 ? 'none holds a message' : [...dead].map(([q, n]) => `${q} ${n}`).join(', '), [...dead].map(([q, n]) => `${q} holds ${n} message(s)`));
    }

    console.log(`\nchaos (${profile.name}), seed ${seed}: ${((Date.now() - t0) / 1000).toFixed(0)} s, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log('faults:');
    for (const record of faultLog) {
      console.log(`  ${new Date(record.startedAtMs).toISOString()} +${((record.startedAtMs - workloadStartMs) / 1000).toFixed(1)}s of the workload  ${describeFault(record.fault)} (${((record.endedAtMs - record.startedAtMs) / 1000).toFixed(1)} s, ${record.inFlight} requests in flight)${record.error ? `  FAILED: ${record.error}` : ''}`);
    }
    console.log('operator actions while settling:');
    for (const action of rest.actions) console.log(`  ${action}`);
    if (rest.actions.length === 0) console.log('  none');
    console.log('checks:');
    for (const result of checks) {
      console.log(`  ${result.ok ? 'PASS' : 'FAIL'}  ${result.name}: ${result.figures}`);
      for (const problem of result.problems.slice(0, 10)) console.log(`          ${problem}`);
      if (result.problems.length > 10) console.log(`          … and ${result.problems.length - 10} more`);
    }
    failed = checks.some((result) => !result.ok);
    console.log(failed ? `\nchaos FAILED (seed ${seed}); the stack's logs are kept in ${runDir}/logs` : '\nchaos passed');
  } finally {
    await receiver.close();
    dynamodb.destroy();
    sqs.destroy();
  }
} finally {
  if (stack) {
    // Nothing stays frozen: a stopped process would ignore SIGTERM.
    for (const component of ['dynamodb', 'sqs', 'kms', 'local-a', 'local-b'] as const) {
      try {
        stack.faults.signal(component, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    await stack.stop();
  }
  if (!failed) fs.rmSync(runDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

/** The reconciler, in dry run over everything settled, finds nothing for a human: the ledger and the chains agree. */
async function reconcilerClean(stackFile: string): Promise<CheckResult> {
  const run = await lanepay(stackFile, ['reconcile', '--older-than', '1s', '--dry-run', '--json']);
  let report: {
    checked?: Record<string, number>; redriven?: unknown[]; raised?: { kind: string; subject: string; detail: string }[]; errors?: { message: string }[];
    skipped?: { chain: string; account: string; reason: string }[];
  } = {};
  try {
    report = JSON.parse(run.stdout) as typeof report;
  } catch {
    return check('the reconciler finds nothing', `exit ${run.code}`, [`no report: ${run.stderr.trim().split('\n').at(-1)}`]);
  }
  const problems = [
    ...(report.raised ?? []).map((f) => `${f.kind} ${f.subject}: ${f.detail}`),
    ...(report.errors ?? []).map((e) => `not checked: ${e.message}`),
    ...(report.redriven ?? []).map((f) => `would re-drive ${JSON.stringify(f)}`),
    // At rest nothing is in flight: a Safe or hot wallets left uncompared is a comparison that did not happen.
    ...(report.skipped ?? []).map((s) => `${s.account} of ${s.chain} not compared: ${s.reason}`),
  ];
  const checked = report.checked ?? {};
  return check('the reconciler finds nothing', `exit ${run.code}; ${checked.settledNonces ?? '?'} settled payouts compared with their chain, ${checked.processingPayments ?? '?'} processing, ${checked.unrelayedEvents ?? '?'} unrelayed events, ${checked.hotWallets ?? '?'} hot wallets and ${checked.treasuries ?? '?'} treasuries against the ledger`, run.code === 0 ? problems : [...problems, `exit ${run.code}`]);
}

/** `lanepay audit close` (a period now, anchored on chain) then `lanepay audit verify` of the merchant. */
async function auditVerifies(stackFile: string, merchantId: string): Promise<CheckResult> {
  const close = await lanepay(stackFile, ['audit', 'close']);
  const verify = await lanepay(stackFile, ['audit', 'verify', '--merchant', merchantId]);
  let figures = `audit close exit ${close.code}, audit verify exit ${verify.code}`;
  try {
    const report = JSON.parse(verify.stdout) as Record<string, unknown>;
    const counts = Object.entries(report).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${v}`);
    figures += `: ${counts.join(', ')}`;
  } catch {
    // Figures are a courtesy; the exit codes decide.
  }
  const problems = [
    ...(close.code === 0 ? [] : [`audit close: ${(close.stderr || close.stdout).trim().split('\n').at(-1)}`]),
    ...(verify.code === 0 ? [] : [`audit verify: ${(verify.stderr || verify.stdout).trim().split('\n').at(-1)}`]),
  ];
  return check('audit verify passes', figures, problems);
}
