import { describe, expect, it } from 'vitest';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { reportObjectKey } from '#lib/reports/storage.js';
import { api } from '../support/api.js';
import { fundedMerchant, merchantDeps, usdc } from '../support/deps.js';
import { downloadReport, readyReport, requestReport } from '../support/reports.js';
import { stack } from '../support/stack.js';

const interval = () => ({ start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 60_000).toISOString() });

describe('a merchant key trying to read another merchant\'s reports', () => {
  it('gets 404 for another merchant\'s report id, the same answer as for an id that never existed, before and after it is ready', async () => {
    const victim = await fundedMerchant(usdc(5));
    const attacker = await fundedMerchant(0n);
    const report = await requestReport(victim.api_key, { type: 'balance_transactions', interval: interval(), format: 'csv' });

    const pending = await api('GET', `/v1/reports/${report.id}`, { key: attacker.api_key });
    await readyReport(victim.api_key, report.id);
    const ready = await api('GET', `/v1/reports/${report.id}`, { key: attacker.api_key });
    const missing = await api('GET', `/v1/reports/rpt_${'0'.repeat(26)}`, { key: attacker.api_key });

    for (const answer of [pending, ready]) {
      expect(answer.status).toBe(404);
      expect({ ...answer.body, detail: undefined, instance: undefined }).toEqual({ ...missing.body, detail: undefined, instance: undefined });
      expect(JSON.stringify(answer.body)).not.toContain('X-Amz');
    }
    // A path that is no report id is refused before any read.
    expect((await api('GET', '/v1/reports/..%2F..%2Fv1%2Fbalances', { key: attacker.api_key })).status).toBe(400);
  }, 180_000);

  it('gets a download URL for exactly one object of its own, valid 300 s from its signing, on every read', async () => {
    const merchant = await fundedMerchant(usdc(3));
    await creditSandboxFunds(merchantDeps(), { merchantId: merchant.merchant_id, asset: 'USDC', amountMinor: 1n, transferId: `trf_access_${Date.now()}` });
    const ready = await readyReport(merchant.api_key, (await requestReport(merchant.api_key, { type: 'balance_transactions', interval: interval(), format: 'parquet' })).id);
    const again = (await api('GET', `/v1/reports/${ready.id}`, { key: merchant.api_key })).body;

    const url = new URL(ready.download!.url);
    const key = reportObjectKey(merchant.merchant_id, ready);
    // moto does not check signatures; S3 does, over exactly these: one bucket and key, the host header, 300 s from X-Amz-Date.
    expect(decodeURIComponent(url.pathname)).toBe(`/${stack().buckets.ReportsBucket}/${key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    const signedMs = Date.parse(url.searchParams.get('X-Amz-Date')!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(Date.parse(ready.download!.expires_at) - signedMs).toBeGreaterThanOrEqual(300_000);
    expect(Date.parse(ready.download!.expires_at) - signedMs).toBeLessThan(301_000);
    // Signed on every read, never stored: a second read names the same one object.
    expect(decodeURIComponent(new URL(again.download.url).pathname)).toBe(decodeURIComponent(url.pathname));
    expect((await downloadReport(ready)).rows.map((row) => row.type)).toEqual(['top_up', 'top_up']);
  }, 180_000);
});
