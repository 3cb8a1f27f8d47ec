import { describe, expect, it } from 'vitest';
import type { AuditDeps } from '#lib/audit/deps.js';
import { evmAnchorer } from '#lib/audit/evm-anchor.js';
import { closePeriod } from '#lib/audit/period.js';
import { inclusionProofs } from '#lib/audit/proof.js';
import { readMerchantDigests, readMerchantLog, readPeriod } from '#lib/audit/reads.js';
import { chainRegistry, clients, fundedMerchant } from '../../support/deps.js';
import { isolatedTable } from '../../support/isolated.js';
import { stack } from '../../support/stack.js';

describe('an inclusion proof asked for while a close is working through the period', () => {
  it('says "not closed yet" for a record whose lane part is stored but whose period is not signed, and proves it once the period is stored', async () => {
    // A table of its own: no other close finishes the period between this test's steps.
    const tableName = await isolatedTable();
    const { dynamodb, kms } = clients();
    const deps: AuditDeps = {
      dynamodb, kms, tableName, signingKeyId: stack().keys.AuditSigningKey!,
      anchorer: evmAnchorer(kms, chainRegistry().chains[0]!, stack().keys.AuditAnchorKey!), now: () => new Date(),
    };
    try {
      const merchant = await fundedMerchant(1_000n, undefined, tableName);
      const [record] = await readMerchantLog(deps, merchant.merchant_id);
      expect(record, 'the funding wrote an audit record').toBeDefined();
      const wanted = [{ lane: record!.body.lane, seq: record!.body.seq }];

      let sawPartWithoutPeriod = false;
      let periodId: string | undefined;
      for (let step = 0; step < 50; step += 1) {
        // A deadline already past: one step per call.
        const result = await closePeriod(deps, { deadlineMs: 0 });
        periodId ??= result.periodId;
        const part = (await readMerchantDigests(deps, merchant.merchant_id)).find((d) => d.lane === wanted[0]!.lane);
        const stored = periodId ? await readPeriod(deps, periodId) : undefined;
        const [proof] = await inclusionProofs(deps, merchant.merchant_id, wanted);
        if (part && !stored) {
          sawPartWithoutPeriod = true;
          expect(proof).toBeUndefined();
        }
        if (stored) {
          expect(proof?.record.hash).toBe(record!.hash);
          break;
        }
      }
      expect(sawPartWithoutPeriod, 'a step stored the lane part before the period was signed').toBe(true);
      expect(await readPeriod(deps, periodId!), 'the close finished').toBeDefined();
    } finally {
      deps.anchorer.destroy();
    }
  }, 120_000);
});
