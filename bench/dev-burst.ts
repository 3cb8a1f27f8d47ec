// `npm run bench:dev-burst [-- --requests 100 --stack .local/stack.json]`
//
// Whether the dev stack holds a burst: N concurrent POST /v1/payments (one merchant, manual
// capture) through serverless offline started exactly as `npm run dev` starts it (watch mode),
// with the answers counted by status, the wall time, and the peak memory and thread count of the
// serverless offline process tree, sampled every 200 ms. Goal: every request answered 201, the
// process under 3 GB.
//
// Starts its own dev-mode stack on LANEPAY_BENCH_PORT_BASE (default 7500) unless --stack points
// at a running one (then the process is found by its HTTP port). Writes bench/results/dev-burst.json.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant } from '#lib/merchants/merchants.js';
import { retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { localCredentials } from '../scripts/stack/provision.js';
import { startStack } from '../scripts/stack/stack.js';
import type { StackInfo } from '../scripts/stack/types.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '100' }, stack: { type: 'string' } } });
const requests = Number(args.requests);
if (!Number.isInteger(requests) || requests < 1) throw new Error(`--requests must be a positive integer, not ${args.requests}`);
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'dev-burst.json');
const progress = (line: string) => console.error(`  ${line}`);

/** Processes whose environment names this HTTP port: serverless offline and its workers' threads. */
function offlineProcesses(httpPort: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (environ.includes(`LANEPAY_HTTP_PORT=${httpPort}\0`) && cmdline.includes('offline')) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

function usage(pids: number[]): { rssBytes: number; threads: number } {
  let rssBytes = 0;
  let threads = 0;
  for (const pid of pids) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      rssBytes += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      threads += Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // Exited between the listing and the read.
    }
  }
  return { rssBytes, threads };
}

async function openDevStack(): Promise<{ info: StackInfo; stop: () => Promise<void> }> {
  if (args.stack) return { info: JSON.parse(fs.readFileSync(args.stack, 'utf8')) as StackInfo, stop: async () => {} };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-bench-dev-'));
  const running = await startStack({ portBase: Number(process.env.LANEPAY_BENCH_PORT_BASE ?? '7500'), runDir, watch: true, log: progress });
  return { info: running.info, stop: async () => { await running.stop(); fs.rmSync(runDir, { recursive: true, force: true }); } };
}

const stack = await openDevStack();
try {
  const { info } = stack;
  const aws = { region: info.region, credentials: localCredentials, maxAttempts: 8 };
  const dynamodb = retryTransactionConflicts(new DynamoDBClient({ ...aws, endpoint: info.endpoints.dynamodb }));
  const kms = new KMSClient({ ...aws, endpoint: info.endpoints.kms });
  const deps = { dynamodb, kms, tableName: info.tableName, apiKeyDigestKeyId: info.keys.ApiKeyDigestKey!, stage: 'local' as const, assets: ['USDC'] };
  const merchant = await createMerchant(deps, { name: `burst-${randomUUID().slice(0, 8)}` });
  await creditSandboxFunds(deps, { merchantId: merchant.merchant_id, asset: 'USDC', amountMinor: BigInt(requests) * 1_000_000n, transferId: `trf_fund_${randomUUID()}` });

  const httpPort = Number(new URL(info.apiUrl).port);
  const pids = offlineProcesses(httpPort);
  if (pids.length === 0) throw new Error(`No serverless offline process serves port ${httpPort}.`);
  const before = usage(pids);
  let peak = before;
  const sampler = setInterval(() => {
    const now = usage(offlineProcesses(httpPort));
    if (now.rssBytes > peak.rssBytes) peak = { ...now, threads: Math.max(now.threads, peak.threads) };
    else if (now.threads > peak.threads) peak = { ...peak, threads: now.threads };
  }, 200);

  progress(`firing ${requests} concurrent POST /v1/payments at ${info.apiUrl}`);
  const startedAt = Date.now();
  const statuses = await Promise.all(
    Array.from({ length: requests }, () =>
      fetch(`${info.apiUrl}/v1/payments`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${merchant.api_key}`, 'Idempotency-Key': randomUUID(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: '1000000', asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'manual' }),
        signal: AbortSignal.timeout(120_000),
      }).then(
        // A refusal is counted with its problem code (try_again, authorizer_failure...): which part gave way.
        async (response) => {
          const text = await response.text();
          if (response.ok) return String(response.status);
          try {
            return `${response.status} ${JSON.parse(text).code ?? ''}`.trim();
          } catch {
            return String(response.status);
          }
        },
        (error: Error) => `error: ${error.name}`,
      ),
    ),
  );
  const seconds = (Date.now() - startedAt) / 1000;
  clearInterval(sampler);
  dynamodb.destroy();
  kms.destroy();

  const byStatus: Record<string, number> = {};
  for (const status of statuses) byStatus[status] = (byStatus[status] ?? 0) + 1;
  const result = {
    requests,
    seconds,
    byStatus,
    offline: { rssMiBBefore: Math.round(before.rssBytes / 2 ** 20), rssMiBPeak: Math.round(peak.rssBytes / 2 ** 20), threadsPeak: peak.threads },
    stack: args.stack ? 'running stack' : 'own stack, watch mode as npm run dev',
  };
  console.log(`${requests} concurrent authorizations in ${seconds.toFixed(1)} s: ${Object.entries(byStatus).map(([s, n]) => `${n} × ${s}`).join(', ')}`);
  console.log(`serverless offline: ${result.offline.rssMiBBefore} MiB before, ${result.offline.rssMiBPeak} MiB peak, ${result.offline.threadsPeak} threads peak`);
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await stack.stop();
}
