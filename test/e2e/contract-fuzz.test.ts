import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPhases, fixedFuzzSeed, fuzzApprovalPolicy, fuzzFundingMinor, fuzzMerchantRisk, runContractFuzz, seedPhases } from '../../scripts/stack/fuzz.js';
import { webhookSink } from '../../scripts/stack/webhook-sink.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { markChargeCredited } from '../../scripts/stack/credit-charge.js';
import { stack } from '../support/stack.js';

// Schemathesis drives every documented operation from docs/openapi.json against the test stack
// with every check: the fixed seed runs the examples, coverage, fuzzing and stateful phases; a
// random seed adds fuzzing and stateful testing (the phases that depend on the seed). Each has a
// time budget, together about three minutes. A failure prints Schemathesis's report, whose
// "Reproduce with" lines are the exact requests; LANEPAY_FUZZ_SEED=<seed> npm run fuzz replays one.
const randomSeed = randomInt(1, 2 ** 31);
const runs: Array<[string, number, string[], number]> = [
  ['the fixed seed', fixedFuzzSeed, allPhases, 100],
  ['a random seed', randomSeed, seedPhases, 60],
];

describe('the merchant API under contract fuzzing', () => {
  let sink: Awaited<ReturnType<typeof webhookSink>>;
  beforeAll(async () => {
    sink = await webhookSink();
  });
  afterAll(async () => sink?.close());

  it.each(runs)('answers as documented for %s (%i), with no server error', async (_, seed, phases, seconds) => {
    console.log(`[contract-fuzz] seed ${seed} (replay: LANEPAY_FUZZ_SEED=${seed} npm run fuzz)`);
    // A merchant per seed: each run seeds its own objects, within the per-merchant limits. The platform
    // merchant, so the platform routes (liquidity, audit status, KYC reviews) answer it.
    const merchant = await fundedMerchant(fuzzFundingMinor, (profile) => ({ ...profile, risk: fuzzMerchantRisk, approvals: fuzzApprovalPolicy, platform: true }));
    const run = await runContractFuzz({
      creditCharge: (chargeId, receivedMinor, chain) => markChargeCredited({ dynamodb: clients().dynamodb, tableName: stack().tableName }, chargeId, receivedMinor, chain),
      apiUrl: stack().apiUrl,
      apiKey: merchant.api_key,
      chains: stack().chains.map((chain) => chain.name),
      webhookUrl: sink.url,
      seed,
      phases,
      maxTimeSeconds: Number(process.env.LANEPAY_FUZZ_SECONDS ?? seconds),
      workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-contract-fuzz-')),
    });
    expect(run.passed, `Schemathesis failed with seed ${seed}:\n${run.output}`).toBe(true);
  }, 400_000);
});
