import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { toChainUnits } from '#lib/ledger/assets.js';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { paymentItem, paymentKey, recordFromItem } from '#lib/money/payments/items.js';
import { newId } from '#lib/platform/ids/index.js';
import { buildReport } from '#lib/reports/build.js';
import { reportColumns } from '#lib/reports/columns.js';
import { reportItem } from '#lib/reports/items.js';
import { readReportRecord } from '#lib/reports/query.js';
import { api } from '../../support/api.js';
import { chainByName, provider } from '../../support/chain.js';
import { chainRegistry, clients, fundedMerchant, merchantDeps, someAddress, usdc } from '../../support/deps.js';
import { isolatedTable } from '../../support/isolated.js';
import { builderDeps, downloadReport, readObject, readyReport, requestReport } from '../../support/reports.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

const chainUnits = (minor: bigint) => toChainUnits(minor, 'USDC', chainRegistry().get('local-a')!.assets.find((a) => a.symbol === 'USDC')!.decimals);

type Txn = Record<(typeof reportColumns.balance_transactions)[number], string | null>;

/** An interval from a little before now to `endMs`, so what the test writes next falls in it. */
const since = (startMs: number, endMs = Date.now() + 60_000) => ({ start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() });

async function balanceTransactions(key: string): Promise<Txn[]> {
  const list = await api('GET', '/v1/balance_transactions?limit=100', { key });
  expect(list.body.has_more).toBe(false);
  // The API lists newest first; reports oldest first.
  return (list.body.data as (Txn & { object: string })[]).reverse().map((t) => Object.fromEntries(reportColumns.balance_transactions.map((c) => [c, t[c]])) as Txn);
}

describe('reports on the local stack (API → outbox → reports queue → reports function → S3 on moto)', () => {
  it('a balance_transactions report, CSV and Parquet, holds exactly the merchant\'s balance transactions of the interval, oldest first, and no other merchant\'s', async () => {
    const startMs = Date.now() - 1000;
    const merchant = await fundedMerchant(usdc(50), (p) => ({ ...p, fee: { bps: 50, fixedMinor: '7' } }));
    const other = await fundedMerchant(usdc(7));
    const key = merchant.api_key;
    for (const amount of [1n, 22n, 333n]) {
      await creditSandboxFunds(merchantDeps(), { merchantId: merchant.merchant_id, asset: 'USDC', amountMinor: amount, transferId: `trf_report_${randomUUID()}` });
      await creditSandboxFunds(merchantDeps(), { merchantId: other.merchant_id, asset: 'USDC', amountMinor: amount, transferId: `trf_report_${randomUUID()}` });
    }
    const paid = await api('POST', '/v1/payments', { key, body: { amount: '1234567', asset: 'USDC', chain: 'local-a', destination: someAddress() } });
    expect(paid.status).toBe(201);
    const expected = await balanceTransactions(key);
    const theirs = new Set((await balanceTransactions(other.api_key)).map((t) => t.id));
    expect(expected.map((t) => t.type)).toEqual(['top_up', 'top_up', 'top_up', 'top_up', 'payment', 'payout_fee']);

    const csv = await requestReport(key, { type: 'balance_transactions', interval: since(startMs), format: 'csv' });
    const parquet = await requestReport(key, { type: 'balance_transactions', interval: since(startMs), format: 'parquet' });
    expect(csv).toMatchObject({ object: 'report', status: 'pending', row_count: null, download: null });

    for (const requested of [csv, parquet]) {
      const ready = await readyReport(key, requested.id);
      expect(ready).toMatchObject({ status: 'ready', row_count: expected.length, mismatch_count: null, mismatches: null });
      const file = await downloadReport(ready);
      expect(file.columns).toEqual([...reportColumns.balance_transactions]);
      expect(file.rows).toEqual(expected);
      expect(file.rows.filter((row) => theirs.has(row.id!))).toEqual([]);
    }

    // The interval bounds what is listed: one ending before the payment leaves it and its fee out.
    const payment = expected.find((t) => t.type === 'payment')!;
    const early = await readyReport(key, (await requestReport(key, { type: 'balance_transactions', interval: since(startMs, Date.parse(payment.created!)), format: 'csv' })).id);
    expect((await downloadReport(early)).rows).toEqual(expected.filter((t) => t.created! < payment.created!));

    // Both events reached the merchant's event list (as they reach webhooks and WebSocket subscribers).
    const events = await waitFor('report events', async () => {
      const list = (await api('GET', '/v1/events?limit=100', { key })).body.data as { type: string; data: { object: { id: string; download?: unknown } } }[];
      const ofCsv = list.filter((e) => e.data.object.id === csv.id);
      return ofCsv.length === 2 ? ofCsv : undefined;
    });
    expect(events.map((e) => e.type).sort()).toEqual(['report.created', 'report.ready']);
    expect(events.every((e) => e.data.object.download === undefined)).toBe(true);
  }, 300_000);

  it('a charges report (Parquet) holds exactly the charges opened in the interval, with their amounts and metadata', async () => {
    const merchant = await fundedMerchant(0n);
    const key = merchant.api_key;
    const startMs = Date.now() - 1000;
    const opened = [];
    for (const [amount, metadata] of [['2500000', { order: '1042' }], ['990000', {}], ['12345678901234567890', { note: 'a, "quoted" one' }]] as const) {
      const charge = await api('POST', '/v1/charges', { key, body: { amount, asset: 'USDC', metadata, description: `charge of ${amount}` } });
      expect(charge.status, JSON.stringify(charge.body)).toBe(201);
      opened.push(charge.body);
    }
    const canceled = await api('POST', `/v1/charges/${opened[1].id}/cancel`, { key, body: {} });
    expect(canceled.body.status).toBe('canceled');
    const current = await Promise.all(opened.map(async (c) => (await api('GET', `/v1/charges/${c.id}`, { key })).body));

    const ready = await readyReport(key, (await requestReport(key, { type: 'charges', interval: since(startMs), format: 'parquet' })).id);
    const file = await downloadReport(ready);

    expect(ready.row_count).toBe(3);
    expect(file.rows).toEqual(current.map((c) => ({
      id: c.id, status: c.status, amount: c.amount, asset: 'USDC', amount_received: '0', amount_pending: '0', fee: '0', deposit_count: '0', dust_count: '0', dust_amount: '0',
      customer: null, description: c.description, metadata: JSON.stringify(c.metadata), created_at: c.created_at, expires_at: c.expires_at, canceled_at: c.canceled_at,
    })));
    expect(file.rows.map((r) => r.status)).toEqual(['awaiting_payment', 'canceled', 'awaiting_payment']);
  }, 300_000);

  it('a payouts_reconciliation report matches a paid payout with its block, amount and the hot wallet\'s gas', async () => {
    const merchant = await fundedMerchant(usdc(20));
    const key = merchant.api_key;
    const startMs = Date.now() - 1000;
    const destination = someAddress();
    const created = await api('POST', '/v1/payments', { key, body: { amount: '3000000', asset: 'USDC', chain: 'local-a', destination } });
    expect(created.status).toBe(201);
    const paid = await waitFor('the payout confirmed', async () => {
      const read = await api('GET', `/v1/payments/${created.body.id}`, { key });
      return ['succeeded', 'failed'].includes(read.body.status) ? read.body : undefined;
    }, { timeoutMs: 150_000, intervalMs: 500 });
    expect(paid.status).toBe('succeeded');
    const receipt = (await provider('local-a').getTransactionReceipt(paid.tx_hash))!;

    const ready = await readyReport(key, (await requestReport(key, { type: 'payouts_reconciliation', interval: since(startMs), format: 'csv' })).id);
    const file = await downloadReport(ready);

    const onChain = chainUnits(3_000_000n).toString();
    expect(file.rows).toEqual([{
      payment: paid.id, refund: null, status: 'succeeded', asset: 'USDC', chain: 'local-a', destination: paid.destination, ledger_amount: '3000000', ledger_fee: paid.fee,
      expected_chain_amount: onChain, tx_hash: paid.tx_hash, block_number: String(receipt.blockNumber), chain_amount: onChain, chain_destination: getAddress(destination),
      hot_wallet: receipt.from, gas_used: receipt.gasUsed.toString(), effective_gas_price_wei: receipt.gasPrice.toString(),
      gas_paid_wei: (receipt.gasUsed * receipt.gasPrice).toString(), created_at: paid.created_at, mismatch: null,
    }]);
    expect(receipt.from.toLowerCase()).toBe(chainByName('local-a').hotWallet.toLowerCase());
    expect(ready).toMatchObject({ row_count: 1, mismatch_count: 0, mismatches: {} });

    // The builder itself, on a table of the test's own: the paid payout beside a ledger record that
    // claims more than its transaction moved (as a bug or a tampered item would) and one whose
    // transaction the chain never saw. Both are listed, each with its kind, and counted.
    const tableName = await isolatedTable();
    const { dynamodb } = clients();
    const real = recordFromItem((await dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: paymentKey(paid.id), ConsistentRead: true }))).Item!);
    const claimed = { ...real, payment: { ...real.payment, id: newId('pay'), amount: '3000001', amount_captured: '3000001' } };
    const unseen = { ...real, payment: { ...real.payment, id: newId('pay'), tx_hash: `0x${'ab'.repeat(32)}` } };
    for (const record of [real, claimed, unseen]) await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: paymentItem(record) }));
    const report = { ...(await api('GET', `/v1/reports/${ready.id}`, { key })).body, id: newId('rpt'), status: 'pending', row_count: null, mismatch_count: null, mismatches: null, completed_at: null };
    delete report.download;
    await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: reportItem({ report, merchantId: merchant.merchant_id }) }));
    const deps = builderDeps(tableName);

    expect(await buildReport(deps, { merchantId: merchant.merchant_id, reportId: report.id })).toBe('built');
    expect(await buildReport(deps, { merchantId: merchant.merchant_id, reportId: report.id })).toBe('already_ready');

    const built = (await readReportRecord(deps, report.id))!;
    expect(built.report).toMatchObject({ status: 'ready', row_count: 3, mismatch_count: 2, mismatches: { amount_mismatch: 1, missing_on_chain: 1 } });
    const rows = (await readObject(deps, built.objectKey!, 'csv')).rows;
    expect(rows.map((r) => [r.payment, r.mismatch, r.chain_amount])).toEqual([[paid.id, null, onChain], [claimed.payment.id, 'amount_mismatch', onChain], [unseen.payment.id, 'missing_on_chain', null]]);
    expect(built.objectKey).toBe(`csv/merchant=${merchant.merchant_id}/type=payouts_reconciliation/date=${report.created_at.slice(0, 10)}/${report.id}.csv`);
  }, 300_000);

  it('refuses bad input with a 400 that writes nothing: no report, no event, the Idempotency-Key still free', async () => {
    const merchant = await fundedMerchant(0n);
    const key = merchant.api_key;
    const idempotencyKey = randomUUID();
    const eventsBefore = (await api('GET', '/v1/events?limit=100', { key })).body.data.length;
    const bad = [
      { type: 'balance_transactions', interval: { start: '2026-12-02T00:00:00Z', end: '2026-12-01T00:00:00Z' } },
      { type: 'balance_transactions', interval: { start: '2024-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' } },
      { type: 'payments', interval: since(Date.now()) },
      { type: 'charges', interval: since(Date.now()), format: 'xlsx' },
      { type: 'charges', interval: since(Date.now()), merchant: 'mer_01kbx3m2z5a7b8c9d0e1f2g3h4' },
    ];
    for (const body of bad) {
      const refused = await api('POST', '/v1/reports', { key, body, idempotencyKey });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe('validation_error');
    }
    expect((await api('POST', '/v1/reports', { key, body: { type: 'charges', interval: since(Date.now()) }, idempotencyKey: false })).status).toBe(400);

    expect((await api('GET', '/v1/events?limit=100', { key })).body.data.length).toBe(eventsBefore);
    const body = { type: 'charges', interval: since(Date.now()) };
    const good = await api('POST', '/v1/reports', { key, body, idempotencyKey });
    expect(good.status).toBe(201);
    const replay = await api('POST', '/v1/reports', { key, body, idempotencyKey });
    expect([replay.status, replay.body.id]).toEqual([200, good.body.id]);
    expect((await api('POST', '/v1/reports', { key, body: { ...body, format: 'parquet' }, idempotencyKey })).status).toBe(422);
  }, 120_000);
});
