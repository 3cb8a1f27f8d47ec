import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmfLine, type MetricDatum } from '#platform';
import { api } from '../support/api.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

let cli: ReturnType<typeof cliAgainstTestStack>;

/** The stack's EMF documents (every function's metrics, as CloudWatch would receive them) with each one's line. */
function loggedMetrics(): { line: string; datum: MetricDatum }[] {
  return fs.readFileSync(stack().functionLog, 'utf8').split('\n').flatMap((line) => {
    const datum = parseEmfLine(line);
    return datum ? [{ line, datum }] : [];
  });
}

describe('lanepay slo report on the local stack', () => {
  beforeAll(() => { cli = cliAgainstTestStack(); });
  afterAll(() => cli.cleanup());

  it('counts a merchant\'s authorize requests from the metrics the function logged: refusals are good events, none burns budget', async () => {
    const merchant = await fundedMerchant(usdc(10));
    const body = { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' };
    for (let i = 0; i < 3; i += 1) expect((await api('POST', '/v1/payments', { key: merchant.api_key, body })).status).toBe(201);
    expect((await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...body, amount: '-5' } })).status).toBe(400);

    // The merchant's own requests only: other test files use the same stack meanwhile.
    const own = await waitFor('the four requests\' metrics in the function log', () => {
      const lines = loggedMetrics().filter(({ datum }) => datum.service === 'authorize' && datum.metadata.merchantId === merchant.merchant_id);
      return lines.length === 4 ? lines : undefined;
    });
    fs.writeFileSync(path.join(cli.dir, 'own.log'), own.map(({ line }) => line).join('\n') + '\n');
    fs.writeFileSync(path.join(cli.dir, 'own.json'), JSON.stringify({ ...stack(), functionLog: path.join(cli.dir, 'own.log') }));

    const run = await cli.run(['slo', 'report', '--window', '1h', '--json'], 'own.json');

    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { window: string; slos: { id: string; events: number; bad: number; sli: number | null; budgetSpent: number }[] };
    expect(report.window).toBe('1h');
    expect(report.slos.find((s) => s.id === 'authorize-availability')).toMatchObject({ events: 4, bad: 0, sli: 100, budgetSpent: 0 });
    expect(report.slos.find((s) => s.id === 'authorize-latency')!.events).toBe(4);
    expect(report.slos.filter((s) => !s.id.startsWith('authorize-')).map((s) => s.events)).toEqual([0, 0, 0, 0]);
  });

  it('finds the deposit watcher\'s lag for every pay-in chain in the log, each datum naming its chain', async () => {
    const since = Date.now();
    const chains = await waitFor('a lag datum of every chain after the test started', () => {
      const seen = new Set(loggedMetrics().filter(({ datum }) => datum.service === 'chain-watch' && datum.timestampMs >= since && datum.values.ChainWatchLagBlocks).map(({ datum }) => String(datum.metadata.chain)));
      return seen.size === stack().chains.length ? seen : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500 });
    expect([...chains].sort()).toEqual(stack().chains.map((c) => c.name).sort());
    // A pass per chain can take many seconds on a loaded machine (moto serves one request at a time).
  }, 150_000);

  it('prints a table and refuses a window it cannot read', async () => {
    const table = await cli.run(['slo', 'report', '--window', '30m']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe('SLOs over the last 30m (objectives over 28 days, docs/slo.md)');
    expect(table.stdout.split('\n')[1]).toMatch(/^SLO\s+objective\s+events\s+bad\s+good\s+budget spent\s+top causes$/);

    const refused = await cli.run(['slo', 'report', '--window', '2w']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--window "2w" must be a whole number and a unit');
  });
});
