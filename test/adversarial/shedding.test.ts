import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { api, type ApiResponse } from '../support/api.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';

// Issue 24, "Graded degradation": a flood on a sheddable route must be shed before the payment path
// suffers. The statement (GET /v1/statements, function statements, class `api`) is the dearest read a
// merchant key can ask for: it reads the ledger and the audit log the authorizations write, and signs
// in KMS. Locally the flood is short (the suite's other files share the stack, and the local
// gateway is one serverless-offline process on the same cores). On AWS the
// class's reserved concurrency throttles the excess and API Gateway answers it with the
// INTEGRATION_FAILURE gateway response (infra/api.yml: 503 `overloaded`, Retry-After); the local
// stack's serverless-offline is patched to do the same (patches/serverless-offline+*.patch).
//
// Before the shedding (the local stack queued every invocation past its instances), see
// docs/operations.md "Shedding" for the figures.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const settings = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'settings.yml'), 'utf8'), { merge: true }) as { local: { concurrency: Record<string, number> } };
const cap = settings.local.concurrency.api!;
const overloaded = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'api.yml'), 'utf8')).Resources.IntegrationFailureProblem?.Properties;

// Waves of three times the local cap, one a second, sent without waiting (a client that ignores
// Retry-After), until a cap's worth was shed or the deadline: as short as the machine allows, since the
// suite's other files share the stack. How many waves it takes depends on how fast the requests get
// through the authorizer to the function, which a busy machine slows.
const waveSize = 3 * cap;
const floodDeadlineMs = 30_000;
const authorizationsPerWave = 2;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

/** A refused connection (the API's server saturated) as status 0, so the outcome is asserted, not thrown. */
const unreachable = (error: unknown): ApiResponse => ({ status: 0, headers: new Headers(), body: String(error) });

async function timed(send: () => Promise<ApiResponse>): Promise<ApiResponse & { ms: number }> {
  const started = performance.now();
  const response = await send().catch(unreachable);
  return { ...response, ms: performance.now() - started };
}

describe('a flood of statements (sheddable) beside authorizations (critical)', () => {
  it(`sheds the statements past the api class's ${cap} concurrent with 503 overloaded and Retry-After, and every authorization succeeds`, { timeout: 180_000 }, async () => {
    const merchant = await fundedMerchant(usdc(1_000_000));
    const authorize = () => timed(() => api('POST', '/v1/payments', {
      key: merchant.api_key, body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' },
    }));
    // Something to state, and warm authorize and statements containers before anything is measured.
    for (let i = 0; i < 5; i += 1) expect((await authorize()).status).toBe(201);
    const window = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`;
    const statement = () => api('GET', `/v1/statements?${window}`, { key: merchant.api_key, tryAgain: false }).catch(unreachable);
    expect((await statement()).status).toBe(200);

    const loadBefore = os.loadavg()[0]!;
    const flood: Promise<ApiResponse>[] = [];
    const authorized: Promise<ApiResponse & { ms: number }>[] = [];
    let shedSoFar = 0;
    const floodUntil = Date.now() + floodDeadlineMs;
    while (shedSoFar < cap && Date.now() < floodUntil) {
      for (let i = 0; i < waveSize; i += 1) flood.push(statement().then((r) => { if (r.status === 503) shedSoFar += 1; return r; }));
      // Authorizations while the wave is in flight, spread over its second.
      for (let i = 0; i < authorizationsPerWave; i += 1) {
        authorized.push(authorize());
        await new Promise((resolve) => setTimeout(resolve, 1000 / authorizationsPerWave));
      }
    }
    const statements = await Promise.all(flood);
    const answered = await Promise.all(authorized);

    const served = statements.filter((r) => r.status === 200).length;
    const shed = statements.filter((r) => r.status === 503);
    const ms = answered.map((r) => r.ms);
    console.log(`statement flood: ${statements.length} statements (${served} served, ${shed.length} shed) beside ${answered.length} authorizations: p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms, max ${percentile(ms, 100)} ms (load ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)})`);

    expect(answered.map((r) => r.status)).toEqual(answered.map(() => 201));
    expect(statements.filter((r) => r.status !== 200 && r.status !== 503).map((r) => [r.status, r.body])).toEqual([]);
    // The flood stops once a cap's worth was shed: fewer means the deadline came first.
    expect(shed.length).toBeGreaterThanOrEqual(cap);
    for (const refused of shed) {
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toEqual(JSON.parse(overloaded?.ResponseTemplates['application/json'] ?? 'null'));
    }
  });
});
