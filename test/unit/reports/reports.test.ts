import { S3Client } from '@aws-sdk/client-s3';
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { newId } from '#lib/platform/ids/index.js';
import type { MinedTransfer } from '#lib/reports/chain-transfers.js';
import type { PaymentRecord } from '#lib/money/payments/items.js';
import { payoutMismatches, reconciliationRows, type MismatchSummary } from '#lib/reports/reconciliation.js';
import { createReportBodySchema } from '#lib/reports/schemas.js';
import { idBound } from '#lib/reports/sources.js';
import { downloadUrl, reportObjectKey } from '#lib/reports/storage.js';
import { reportColumns } from '#lib/reports/columns.js';
import { ChainRegistry } from '#lib/chains/registry.js';

const destination = '0x52908400098527886E0F7030069857D2E4169EE7';
const hotWallet = '0x1111111111111111111111111111111111111111';

describe('createReportBodySchema', () => {
  const body = (interval: { start: string; end: string }, extra: Record<string, unknown> = {}) => createReportBodySchema.safeParse({ type: 'charges', interval, ...extra });

  it('takes an interval with offsets and csv by default', () => {
    const parsed = body({ start: '2026-11-01T00:00:00+08:00', end: '2026-12-01T00:00:00Z' });
    expect(parsed.success && parsed.data).toEqual({ type: 'charges', interval: { start: '2026-11-01T00:00:00+08:00', end: '2026-12-01T00:00:00Z' }, format: 'csv' });
  });

  it('refuses an end not after its start, an interval over 367 days, unknown types, formats and fields', () => {
    const refused = [
      body({ start: '2026-12-01T00:00:00Z', end: '2026-12-01T00:00:00Z' }),
      body({ start: '2026-12-01T00:00:00Z', end: '2026-11-01T00:00:00Z' }),
      body({ start: '2025-01-01T00:00:00Z', end: '2026-01-03T00:00:01Z' }),
      body({ start: '2026-11-01', end: '2026-12-01' }),
      body({ start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' }, { type: 'payments' }),
      body({ start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' }, { format: 'xlsx' }),
      body({ start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' }, { merchant: 'mer_other' }),
    ];
    expect(refused.map((r) => r.success)).toEqual(refused.map(() => false));
    expect(body({ start: '2025-01-01T00:00:00Z', end: '2026-01-03T00:00:00Z' }).success).toBe(true);
  });
});

describe('idBound', () => {
  it('puts an id made at t in [bound(t), bound(t + 1 ms)): inside an interval starting at t, outside one ending at t', () => {
    const id = newId('pay');
    const madeMs = decodeTime(id.slice(4).toUpperCase());

    expect(idBound('pay', madeMs) <= id).toBe(true);
    expect(id < idBound('pay', madeMs + 1)).toBe(true);
    expect(id < idBound('pay', madeMs)).toBe(false);
  });
});

describe('report storage', () => {
  const report = { id: 'rpt_01kbx3m2z5a7b8c9d0e1f2g3h4', type: 'payouts_reconciliation' as const, format: 'parquet' as const, created_at: '2026-12-07T06:30:00.000Z' };

  it('lays files out as Hive partitions under their format: merchant, type, the day requested', () => {
    expect(reportObjectKey('mer_01abc', report)).toBe('parquet/merchant=mer_01abc/type=payouts_reconciliation/date=2026-12-07/rpt_01kbx3m2z5a7b8c9d0e1f2g3h4.parquet');
  });

  it('presigns a GET of exactly that object for 300 seconds, as an attachment', async () => {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: 'https://s3.example.test', forcePathStyle: true, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const key = reportObjectKey('mer_01abc', report);
    const now = new Date('2026-12-07T06:31:00.000Z');

    const { url, expires_at } = await downloadUrl(s3, 'reports-bucket', key, now);

    const parsed = new URL(url);
    expect(parsed.origin + decodeURIComponent(parsed.pathname)).toBe(`https://s3.example.test/reports-bucket/${key}`);
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(parsed.searchParams.get('X-Amz-Date')).toBe('20261207T063100Z');
    expect(parsed.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(parsed.searchParams.get('response-content-disposition')).toBe('attachment; filename="rpt_01kbx3m2z5a7b8c9d0e1f2g3h4.parquet"');
    expect(expires_at).toBe('2026-12-07T06:36:00.000Z');
  });
});

function payout(status: 'processing' | 'succeeded' | 'failed' | 'canceled', overrides: Partial<PaymentRecord['payment']> = {}, refund?: PaymentRecord['refund']): PaymentRecord {
  return {
    merchantId: 'mer_1', version: 3,
    payment: {
      id: newId('pay'), object: 'payment', status, amount: '2500000', amount_captured: '2500000', fee: '12500', asset: 'USDC', chain: 'local-a', destination,
      capture: 'automatic', customer: null, description: null, metadata: {}, created_at: '2026-12-07T06:00:00.000Z', expires_at: null,
      tx_hash: status === 'canceled' ? null : '0xabc', decline_code: null, failure_code: null, ...overrides,
    },
    ...(refund ? { refund } : {}),
  };
}

function mined(overrides: Partial<MinedTransfer> = {}, transfer = { to: destination, amount: 2_500_000n * 10n ** 12n }): MinedTransfer {
  return { txHash: '0xabc', blockNumber: 812, succeeded: true, from: hotWallet, gasUsed: 51_234n, effectiveGasPriceWei: 1_000_000_007n, transfers: [transfer], ...overrides };
}

describe('payoutMismatches', () => {
  // USDC of 18 token decimals against 6 ledger ones: the chain amount is scaled.
  const expected = 2_500_000n * 10n ** 12n;

  it('finds none for a succeeded payout the chain mined to its destination for its amount', () => {
    expect(payoutMismatches(payout('succeeded'), expected, mined())).toEqual([]);
  });

  it('names each disagreement of a succeeded payout', () => {
    expect(payoutMismatches(payout('succeeded', { tx_hash: null }), expected, undefined)).toEqual(['missing_tx_hash']);
    expect(payoutMismatches(payout('succeeded'), expected, undefined)).toEqual(['missing_on_chain']);
    expect(payoutMismatches(payout('succeeded'), expected, mined({ succeeded: false }))).toEqual(['reverted_on_chain']);
    expect(payoutMismatches(payout('succeeded'), expected, mined({ transfers: [] }))).toEqual(['no_token_transfer']);
    expect(payoutMismatches(payout('succeeded'), expected, mined({}, { to: destination, amount: expected - 1n }))).toEqual(['amount_mismatch']);
    expect(payoutMismatches(payout('succeeded'), expected, mined({}, { to: hotWallet, amount: expected + 1n }))).toEqual(['amount_mismatch', 'destination_mismatch']);
  });

  it('flags a failed payout the chain paid anyway, and nothing for one in flight or failed unpaid', () => {
    expect(payoutMismatches(payout('failed'), expected, mined())).toEqual(['paid_but_failed']);
    expect(payoutMismatches(payout('failed'), expected, mined({ succeeded: false }))).toEqual([]);
    expect(payoutMismatches(payout('processing'), expected, undefined)).toEqual([]);
  });
});

describe('reconciliationRows', () => {
  const chains = new ChainRegistry([{
    name: 'local-a', chainId: 31337, rpcUrls: ['http://127.0.0.1:1'], confirmations: 1, fees: { type: 'legacy', gasPriceWei: '1' },
    assets: [{ symbol: 'USDC', address: '0x2222222222222222222222222222222222222222', decimals: 6 }], hotWalletKeyId: 'alias/k', ownAddresses: [], refillLeadTimeHours: 6,
  }]);

  it('writes a row per payout and refund that left the balance, with chain facts, gas and mismatches, and counts mismatches', async () => {
    const good = payout('succeeded');
    const short = payout('succeeded', { amount: '1000', amount_captured: '1000', tx_hash: '0xshort' });
    const refund = payout('succeeded', { tx_hash: '0xrefund' }, { id: 're_1', chargeId: 'ch_1', reason: null });
    const canceled = payout('canceled');
    const chain = new Map([['0xabc', mined({}, { to: destination, amount: 2_500_000n })], ['0xshort', mined({ txHash: '0xshort' }, { to: destination, amount: 999n })], ['0xrefund', undefined]]);
    const reads: string[] = [];
    async function* records() { yield [good, canceled]; yield [short, refund]; }
    const summary: MismatchSummary = {};

    const rows = [];
    for await (const page of reconciliationRows(chains, async (name, hash, token) => { reads.push(`${name} ${hash} ${token}`); return chain.get(hash); }, records(), summary)) rows.push(...page);

    expect(rows.map((row) => Object.fromEntries(reportColumns.payouts_reconciliation.map((c, i) => [c, row[i]])))).toEqual([
      {
        payment: good.payment.id, refund: null, status: 'succeeded', asset: 'USDC', chain: 'local-a', destination, ledger_amount: '2500000', ledger_fee: '12500',
        expected_chain_amount: '2500000', tx_hash: '0xabc', block_number: '812', chain_amount: '2500000', chain_destination: destination, hot_wallet: hotWallet,
        gas_used: '51234', effective_gas_price_wei: '1000000007', gas_paid_wei: (51_234n * 1_000_000_007n).toString(), created_at: '2026-12-07T06:00:00.000Z', mismatch: null,
      },
      expect.objectContaining({ payment: short.payment.id, expected_chain_amount: '1000', chain_amount: '999', mismatch: 'amount_mismatch' }),
      expect.objectContaining({ payment: refund.payment.id, refund: 're_1', block_number: null, gas_paid_wei: null, mismatch: 'missing_on_chain' }),
    ]);
    expect(reads).toEqual(['0xabc', '0xshort', '0xrefund'].map((hash) => `local-a ${hash} 0x2222222222222222222222222222222222222222`));
    expect(summary).toEqual({ amount_mismatch: 1, missing_on_chain: 1 });
  });
});
