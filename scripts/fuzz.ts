// `npm run fuzz`: the contract fuzzer alone. Starts its own stack (warm handlers, as the tests run
// it) on LANEPAY_FUZZ_PORT_BASE (default 6500), creates a funded merchant and runs Schemathesis
// with every phase and check: the fixed seed, then a random one. LANEPAY_FUZZ_SEED=<n> replays
// one seed with every phase. LANEPAY_FUZZ_REPORTS=junit,vcr also records every request and response
// (the VCR cassette) in the run's report folder. The same run is test/e2e/contract-fuzz.test.ts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant, updateMerchantProfile } from '#lib/merchants/merchants.js';
import { retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { markChargeCredited } from './stack/credit-charge.js';
import { StackError } from './stack/errors.js';
import { allPhases, fixedFuzzSeed, fuzzApprovalPolicy, fuzzFundingMinor, fuzzMerchantRisk, runContractFuzz, seedPhases } from './stack/fuzz.js';
import { startStack, type RunningStack } from './stack/stack.js';
import type { StackInfo } from './stack/types.js';
import { webhookSink } from './stack/webhook-sink.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A merchant with funds and limits above anything the API accepts, and its secret key. */
async function fuzzMerchant(info: StackInfo): Promise<string> {
  const common = { region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const deps = {
    dynamodb: retryTransactionConflicts(new DynamoDBClient({ ...common, endpoint: info.endpoints.dynamodb })),
    kms: new KMSClient({ ...common, endpoint: info.endpoints.kms }),
    tableName: info.tableName, apiKeyDigestKeyId: info.keys.ApiKeyDigestKey!, stage: 'local' as const, assets: ['USDC'],
  };
  const merchant = await createMerchant(deps, { name: `fuzz-${randomUUID().slice(0, 8)}` });
  await creditSandboxFunds(deps, { merchantId: merchant.merchant_id, asset: 'USDC', amountMinor: fuzzFundingMinor, transferId: `trf_fund_${randomUUID()}` });
  await updateMerchantProfile(deps, merchant.merchant_id, (profile) => ({ ...profile, risk: fuzzMerchantRisk, approvals: fuzzApprovalPolicy, platform: true }));
  return merchant.api_key;
}

const seeds = process.env.LANEPAY_FUZZ_SEED ? [Number(process.env.LANEPAY_FUZZ_SEED)] : [fixedFuzzSeed, randomInt(1, 2 ** 31)];
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-fuzz-'));
let running: RunningStack | undefined;
let failed = false;
try {
  const portBase = Number(process.env.LANEPAY_FUZZ_PORT_BASE ?? '6500');
  console.log(`Starting a stack on ports ${portBase}… (logs in ${runDir})`);
  running = await startStack({ portBase, runDir, watch: false, log: (line) => console.log(`  ${line}`) });
  const { info } = running;
  const sink = await webhookSink();
  try {
    for (const [index, seed] of seeds.entries()) {
      console.log(`Fuzzing ${info.apiUrl} with seed ${seed} (replay: LANEPAY_FUZZ_SEED=${seed} npm run fuzz)`);
      // A merchant per seed: each run seeds its own objects, within the per-merchant limits.
      const apiKey = await fuzzMerchant(info);
      const dynamodb = new DynamoDBClient({ region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: info.endpoints.dynamodb });
      const run = await runContractFuzz({
        apiUrl: info.apiUrl, apiKey, chains: info.chains.map((chain) => chain.name), webhookUrl: sink.url,
        seed, phases: index === 0 ? allPhases : seedPhases,
        maxTimeSeconds: Number(process.env.LANEPAY_FUZZ_SECONDS ?? (index === 0 ? '100' : '60')),
        workDir: path.join(runDir, `seed-${seed}`), log: (line) => console.log(`  ${line}`),
        creditCharge: (chargeId, receivedMinor, chain) => markChargeCredited({ dynamodb, tableName: info.tableName }, chargeId, receivedMinor, chain),
      });
      console.log(run.output);
      failed ||= !run.passed;
    }
  } finally {
    await sink.close();
  }
} catch (error) {
  console.error(error instanceof StackError ? error.message : error);
  failed = true;
} finally {
  await running?.stop();
}
process.exit(failed ? 1 : 0);
