import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditDeps } from '#lib/audit/deps.js';
import { evmAnchorer } from '#lib/audit/evm-anchor.js';
import { registryPageSize } from '#lib/audit/lane-parts.js';
import { closePeriod, type CloseResult } from '#lib/audit/period.js';
import { readMerchantDigests, readMerchantLog, readPeriod } from '#lib/audit/reads.js';
import { verifyAuditLog } from '#lib/audit/verify.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { chainRegistry, clients, fundedMerchant, paymentDeps } from '../../support/deps.js';
import { stack } from '../../support/stack.js';

function auditDeps(): AuditDeps {
  const { dynamodb, kms } = clients();
  return {
    dynamodb, kms, tableName: stack().tableName, signingKeyId: stack().keys.AuditSigningKey!,
    anchorer: evmAnchorer(kms, chainRegistry().chains[0]!, stack().keys.AuditAnchorKey!), now: () => new Date(),
  };
}

const reader = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });

describe('a period close with no time to spare', () => {
  it('walks one registry page per call, resumes where the last call stopped, and covers exactly the records written before its cut', async () => {
    const merchant = await fundedMerchant(50_000_000n);
    const pay = () => authorizePayment(paymentDeps(), {
      merchant: merchant.profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
      body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: '0x000000000000000000000000000000000000dEaD', capture: 'manual', metadata: {} },
    });
    await pay();
    const before = await readMerchantLog(reader(), merchant.merchant_id);
    const deps = auditDeps();
    try {
      // A deadline already past: each call takes exactly one step. Other files' closes may run at the
      // same time; calls carry on whatever period is open until one is opened after these records.
      const calls: CloseResult[] = [];
      const call = async () => {
        const result = await closePeriod(deps, { deadlineMs: 0 });
        calls.push(result);
        return result;
      };
      let opened = await call();
      const lastAt = before.map((r) => r.body.at).sort().at(-1)!;
      for (let i = 0; i < 500 && !(opened.periodId! > lastAt && !opened.done); i += 1) opened = await call();
      const periodId = opened.periodId!;
      expect(periodId > lastAt, 'a period opened after the records').toBe(true);

      // Written after the cut: the period being closed must leave it to the next one.
      await pay();
      let result = opened;
      // Until this period is stored, by these calls or by another close running meanwhile.
      for (let i = 0; i < 500 && result.periodId === periodId && !result.done; i += 1) result = await call();
      expect(await readPeriod(reader(), periodId), 'the period is stored').toBeDefined();
      expect(calls.every((c) => c.lanesWalked <= registryPageSize)).toBe(true);

      const after = await readMerchantLog(reader(), merchant.merchant_id);
      const written = after.filter((r) => !before.some((b) => b.hash === r.hash));
      expect(written).toHaveLength(1);
      const digests = await readMerchantDigests(reader(), merchant.merchant_id);
      const covering = (r: (typeof after)[number]) => digests.find((d) => d.lane === r.body.lane && d.first_seq <= r.body.seq && r.body.seq <= d.last_seq);
      // Before the cut: covered by this period or an earlier one; after it: by a later one (another
      // file's close may already have opened and covered it), once a close takes it.
      for (const record of before) expect((covering(record)?.period_id ?? '~') <= periodId, `${record.body.action} ${record.body.lane}:${record.body.seq} in ${periodId}`).toBe(true);
      for (let i = 0; i < 50 && !covering(written[0]!); i += 1) {
        await closePeriod(deps);
        digests.splice(0, digests.length, ...(await readMerchantDigests(reader(), merchant.merchant_id)));
      }
      expect((covering(written[0]!)?.period_id ?? '') > periodId, `written after the cut of ${periodId}, covered by ${covering(written[0]!)?.period_id}`).toBe(true);
      const report = await verifyAuditLog(deps, { merchantId: merchant.merchant_id });
      expect(report).toMatchObject({ ok: true, records_checked: after.length });
    } finally {
      deps.anchorer.destroy();
    }
  }, 240_000);
});
