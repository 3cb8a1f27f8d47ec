import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDeps } from '#lib/audit/deps.js';
import { evmAnchorer } from '#lib/audit/evm-anchor.js';
import { closePeriod } from '#lib/audit/period.js';
import { readMerchantDigests, readMerchantLog } from '#lib/audit/reads.js';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { buildStatement } from '#lib/money/statements/build.js';
import { StatementTooLargeError } from '#lib/money/statements/errors.js';
import { parseStatement } from '#lib/money/statements/format.js';
import { api } from '../../support/api.js';
import { chainByName } from '../../support/chain.js';
import { cliAgainstTestStack } from '../../support/cli.js';
import { chainRegistry, clients, fundedMerchant, merchantDeps, someAddress, usdc } from '../../support/deps.js';
import { payerOn, stackWatchDeadlineMs } from '../../support/pay-ins.js';
import { refundReaching } from '../../support/refunds.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);
const file = (name: string) => path.join(cli.dir, name);

function auditDeps(): AuditDeps {
  const { dynamodb, kms } = clients();
  return {
    dynamodb, kms, tableName: stack().tableName, signingKeyId: stack().keys.AuditSigningKey!,
    anchorer: evmAnchorer(kms, chainRegistry().chains[0]!, stack().keys.AuditAnchorKey!), now: () => new Date(),
  };
}

/** Closes periods until every record the merchant has is covered, then waits for the anchors' blocks. */
async function closeAndAnchor(merchantId: string) {
  const reader = { dynamodb: clients().dynamodb, tableName: stack().tableName };
  const deps = auditDeps();
  await waitFor('closed periods to cover all the merchant\'s records', async () => {
    await closePeriod(deps);
    const [records, digests] = await Promise.all([readMerchantLog(reader, merchantId), readMerchantDigests(reader, merchantId)]);
    return records.every((r) => digests.some((d) => d.lane === r.body.lane && d.first_seq <= r.body.seq && r.body.seq <= d.last_seq)) || undefined;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  deps.anchorer.destroy();
}

const rpcs = () => stack().chains.flatMap((c) => ['--rpc', c.rpcUrl]);

async function verify(name: string) {
  const run = await lanepay('statement', 'verify', file(name), '--public-key', file('audit.pem'), ...rpcs());
  return { ...run, report: JSON.parse(run.stdout || '{}') };
}

/** The statement with its data rows changed by `edit` (the header, CSV header and signature kept). */
function tampered(name: string, edit: (rows: string[]) => string[]) {
  const lines = fs.readFileSync(file('statement.csv'), 'utf8').split('\n');
  const head = lines.slice(0, 6);
  const signature = lines.findIndex((l) => l.startsWith('# signature '));
  fs.writeFileSync(file(name), [...head, ...edit(lines.slice(6, signature)), ...lines.slice(signature)].join('\n'));
}

describe('lanepay statement on the local stack', () => {
  let merchantId: string;
  let from: string;
  let to: string;
  let rows: string[];
  let apiKey: string;

  beforeAll(async () => {
    cli = cliAgainstTestStack();
    from = new Date(Date.now() - 1000).toISOString();
    const merchant = await fundedMerchant(usdc(100), (p) => ({ ...p, fee: { bps: 50, fixedMinor: '7' } }));
    merchantId = merchant.merchant_id;
    const key = merchant.api_key;
    apiKey = key;
    const pay = async (body: Record<string, string>) => {
      const created = await api('POST', '/v1/payments', { key, body: { asset: 'USDC', destination: someAddress(), ...body } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string };
    };
    const automatic = await pay({ amount: '12345678', chain: 'local-a' });
    // Records that move no balance, between the ones that do: a hold and its cancel.
    const canceled = await pay({ amount: '3000000', chain: 'local-a', capture: 'manual' });
    expect((await api('POST', `/v1/payments/${canceled.id}/cancel`, { key, idempotencyKey: false })).body.status).toBe('canceled');
    const captured = await pay({ amount: '4000000', chain: 'local-a', capture: 'manual' });
    expect((await api('POST', `/v1/payments/${captured.id}/capture`, { key, body: { amount: '1000000' } })).body.status).toBe('processing');
    const charge = await api('POST', '/v1/charges', { key, body: { amount: '2500000', asset: 'USDC' } });
    expect(charge.status).toBe(201);
    const address = charge.body.addresses.find((a: { chain: string }) => a.chain === 'local-b').deposit_address;
    await (await payerOn(chainByName('local-b'))).pay(address, 2_500_000n);
    await waitFor('the charge credited', async () => (await api('GET', `/v1/charges/${charge.body.id}`, { key })).body.status === 'succeeded' || undefined, { timeoutMs: stackWatchDeadlineMs, intervalMs: 1000 });
    // A refund of part of it, paid back on local-b: its amount and its fee are lines of their own.
    const refund = await api('POST', `/v1/charges/${charge.body.id}/refunds`, { key, body: { amount: '1000000', destination: someAddress() } });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    await refundReaching(key, refund.body.id, ['succeeded']);
    for (const id of [automatic.id, captured.id]) {
      await waitFor(`payment ${id} paid out`, async () => (await api('GET', `/v1/payments/${id}`, { key })).body.status === 'succeeded' || undefined, { timeoutMs: 150_000, intervalMs: 500 });
    }
    to = new Date(Date.now() + 1000).toISOString();
    await closeAndAnchor(merchantId);
    const pem = await lanepay('audit', 'public-key');
    expect(pem.code, pem.stderr).toBe(0);
    fs.writeFileSync(file('audit.pem'), pem.stdout);
    const written = await lanepay('statement', '--merchant', merchantId, '--from', from, '--to', to, '--out', file('statement.csv'));
    expect(written.code, written.stderr).toBe(0);
    const lines = fs.readFileSync(file('statement.csv'), 'utf8').split('\n');
    rows = lines.slice(6, lines.findIndex((l) => l.startsWith('# signature ')));
    // The anchors need their blocks before the file proves everything.
    await waitFor('the anchors mined', async () => (await verify('statement.csv')).report.unproven?.length === 0 || undefined, { timeoutMs: 30_000, intervalMs: 1000 });
  }, 400_000);
  afterAll(() => cli.cleanup());

  it('writes a line per balance transaction, oldest first, each with its record, proof and anchor, and the payouts\' and deposit\'s chain transactions', () => {
    const parsed = parseStatement(fs.readFileSync(file('statement.csv'), 'utf8'));
    expect(parsed.header).toMatchObject({ merchantId, from, to });
    expect(parsed.rows.map((r) => r.type)).toEqual(['top_up', 'payment', 'payout_fee', 'payment', 'charge', 'refund', 'payout_fee']);
    for (const row of parsed.rows) {
      expect(row.record_id).toMatch(new RegExp(`^${merchantId}:\\d+:\\d+$`));
      expect(JSON.parse(row.record_json).movements.map((m: { transfer_id: string }) => m.transfer_id)).toContain(row.transfer_id);
      expect(row.period_signature).not.toBe('');
      expect(row.anchor_tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
    }
    // On chain: both payouts (local-a), the deposit and the refund (local-b); fees and the sandbox credit never touched a chain.
    const [a, b] = [String(chainByName('local-a').chainId), String(chainByName('local-b').chainId)];
    expect(parsed.rows.map((r) => [r.chain_id, r.chain_tx_hash !== ''])).toEqual([
      ['', false], [a, true], ['', false], [a, true], [b, true], [b, true], ['', false],
    ]);
    expect(parsed.rows[4]!.chain_tx_hash).toBe(parsed.rows[4]!.tx_hash);
  });

  it('verifies the untouched file with the public key and the chains only: proofs, signatures, anchors, transfers on chain', async () => {
    const run = await verify('statement.csv');
    expect(run.code, run.stderr).toBe(0);
    expect(run.report).toMatchObject({ ok: true, merchant_id: merchantId, lines: 7, proven: 7, unproven: [], findings: [] });
  });

  it('serves the same statement at GET /v1/statements, signed, which verifies as the CLI\'s file does', async () => {
    const served = await api('GET', `/v1/statements?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { key: apiKey });
    expect(served.status, String(served.body)).toBe(200);
    expect(served.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    fs.writeFileSync(file('served.csv'), served.body as string);
    const lines = (served.body as string).split('\n');
    // The same rows; only the header's `# created` time and so the signature differ.
    expect(lines.slice(6, lines.findIndex((l) => l.startsWith('# signature ')))).toEqual(rows);
    const run = await verify('served.csv');
    expect(run.code, run.stderr).toBe(0);
    expect(run.report).toMatchObject({ ok: true, lines: 7, proven: 7 });
  });

  it('refuses a window that is empty, backwards or longer than a quarter with 422 statement_window_invalid, and a malformed instant with 400', async () => {
    const backwards = await api('GET', `/v1/statements?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`, { key: apiKey });
    expect(backwards.status).toBe(422);
    expect(backwards.body).toMatchObject({ code: 'statement_window_invalid', errors: [{ field: 'to', message: 'must be later than `from`' }] });
    const empty = await api('GET', `/v1/statements?from=${encodeURIComponent(from)}&to=${encodeURIComponent(from)}`, { key: apiKey });
    expect(empty.body.code).toBe('statement_window_invalid');
    const long = await api('GET', '/v1/statements?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z', { key: apiKey });
    expect(long.status).toBe(422);
    expect(long.body.errors).toEqual([{ field: 'to', message: 'must be at most 93 days after `from`' }]);
    const malformed = await api('GET', '/v1/statements?from=yesterday&to=2026-06-01T00:00:00Z', { key: apiKey });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('validation_error');
  });

  it('refuses a statement too large for one response before signing it, naming its size', async () => {
    const { dynamodb, kms } = clients();
    const deps = { dynamodb, kms, tableName: stack().tableName, signingKeyId: stack().keys.AuditSigningKey!, registry: chainRegistry(), now: () => new Date() };
    const request = { merchantId, fromMs: Date.parse(from), toMs: Date.parse(to) };
    const full = await buildStatement(deps, request);
    await expect(buildStatement(deps, { ...request, maxBytes: full.length - 200 })).rejects.toThrow(StatementTooLargeError);
    await expect(buildStatement(deps, { ...request, maxBytes: full.length - 200 })).rejects.toMatchObject({ code: 'statement_too_large', lines: 7 });
  });

  it('names the line whose amount was edited', async () => {
    // The automatic payout (line 2) made to look smaller, amount and net together so they still add up.
    tampered('edited.csv', (r) => r.map((row, i) => (i === 1 ? row.replace(',-12345678,0,-12345678,', ',-2345678,0,-2345678,') : row)));
    const run = await verify('edited.csv');
    expect(run.code, run.stdout).toBe(1);
    expect(run.report.findings[0]).toMatchObject({ line: 2, kind: 'changed' });
    expect(run.report.findings[0].detail).toContain('from its audit record\'s');
    expect(run.stderr).toContain('line 2 (');
  });

  it('names the line after a deleted one', async () => {
    tampered('deleted.csv', (r) => r.filter((_, i) => i !== 3)); // the capture's payment line
    const run = await verify('deleted.csv');
    expect(run.code, run.stdout).toBe(1);
    expect(run.report.findings[0]).toMatchObject({ line: 4, kind: 'missing' });
  });

  it('names the line of a swapped pair that comes out of order', async () => {
    tampered('swapped.csv', (r) => [r[0]!, r[2]!, r[1]!, ...r.slice(3)]);
    const run = await verify('swapped.csv');
    expect(run.code, run.stdout).toBe(1);
    // The payout's amount and fee lines swapped: each is where the other belongs.
    expect(run.report.findings.slice(0, 2)).toMatchObject([{ line: 2, kind: 'reordered', detail: expect.stringContaining('(at line 3)') }, { line: 3, kind: 'reordered' }]);
    expect(run.stderr).toContain('line 2 (');
  });

  it('reports a movement no closed period covers yet as unproven, never as verified', async () => {
    await creditSandboxFunds({ ...merchantDeps() }, { merchantId, asset: 'USDC', amountMinor: 5_000_000n, transferId: `trf_fund_late_${Date.now()}` });
    const later = new Date(Date.now() + 1000).toISOString();
    const written = await lanepay('statement', '--merchant', merchantId, '--from', from, '--to', later, '--out', file('open.csv'));
    expect(written.code, written.stderr).toBe(0);
    const run = await verify('open.csv');
    expect(run.code, run.stdout).toBe(3);
    expect(run.report).toMatchObject({ ok: true, lines: 8, proven: 7, findings: [] });
    expect(run.report.unproven).toEqual([{ line: 8, id: expect.stringMatching(/^txn_/), reason: 'its record is not yet covered by a closed audit period' }]);
  });
});
