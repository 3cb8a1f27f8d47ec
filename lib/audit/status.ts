import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import * as z from 'zod';
import { explorerTxUrl, type ChainRegistry } from '#chains';
import { kmsAuditTrust, tableAuditReader } from './audit-reader.js';
import { verifyLog } from './verify.js';

/**
 * GET /v1/audit/status (the console's audit page): the last closed period, its anchor transaction,
 * and `audit verify` (lib/audit/verify.ts) run on that one period for one merchant. The work per
 * request is bounded by the window: the periods partition is read (one Query, a small item per
 * hour), one period's signature and leaves are checked, and only the merchant's records that period
 * covers are re-hashed; the whole log, and anchors on chain, are `lanepay audit verify`'s.
 */

const breakSchema = z.object({ kind: z.string(), lane: z.number().int().nullable(), seq: z.number().int().nullable(), detail: z.string() });

export const auditStatusSchema = z.object({
  object: z.literal('audit_status'),
  merchant_id: z.string(),
  /** The last period closed and signed; null before the first close. */
  period: z.object({
    id: z.string(), cut_at: z.string(), closed_at: z.string(), root: z.string(), size: z.number().int(), previous_period_id: z.string().nullable(),
  }).nullable(),
  /** The transaction that put the period's root on chain; null until it is sent (the next close retries). */
  anchor: z.object({ chain: z.string(), chain_id: z.number().int(), tx_hash: z.string(), from: z.string(), explorer_url: z.string().nullable() }).nullable(),
  verification: z.object({
    /** False when a record, a lane or the period does not hold: `broken` names the first problem. */
    ok: z.boolean(),
    checked_at: z.string(),
    records_checked: z.number().int(),
    broken: breakSchema.nullable(),
    /** Anchors are not looked up on chain here (`lanepay audit verify` does). */
    anchor_checked: z.literal(false),
  }).nullable(),
  /** Each of the merchant's lanes the period covers: `not_checked` after the first break (verification stops there). */
  lanes: z.array(z.object({
    lane: z.number().int(),
    first_seq: z.number().int(),
    last_seq: z.number().int(),
    status: z.enum(['ok', 'broken', 'not_checked']),
  })),
});
export type AuditStatus = z.infer<typeof auditStatusSchema>;

export async function auditStatus(
  deps: { dynamodb: DynamoDBClient; kms: KMSClient; tableName: string; chains: ChainRegistry; now: () => Date },
  merchantId: string,
): Promise<AuditStatus> {
  const reader = tableAuditReader(deps);
  const last = (await reader.periods()).at(-1);
  if (!last) return { object: 'audit_status', merchant_id: merchantId, period: null, anchor: null, verification: null, lanes: [] };
  const periodId = last.digest.period_id;
  const report = await verifyLog(reader, kmsAuditTrust(deps.kms, undefined), { merchantId, from: periodId, to: periodId });
  const parts = (await reader.periodLeaves(periodId)).filter((leaf) => leaf.part.merchant_id === merchantId).map((leaf) => leaf.part).sort((a, b) => a.lane - b.lane);
  const brokenLane = report.broken?.lane ?? null;
  const laneStatus = (lane: number) => {
    if (report.ok) return 'ok' as const;
    if (brokenLane === null) return 'not_checked' as const;
    return lane < brokenLane ? 'ok' as const : lane === brokenLane ? 'broken' as const : 'not_checked' as const;
  };
  const chain = last.anchor ? deps.chains.get(last.anchor.chain) : undefined;
  return {
    object: 'audit_status',
    merchant_id: merchantId,
    period: {
      id: periodId, cut_at: last.digest.cut_at, closed_at: last.digest.closed_at, root: last.digest.root, size: last.digest.size,
      previous_period_id: last.digest.previous_period_id,
    },
    anchor: last.anchor ? { ...last.anchor, explorer_url: chain ? explorerTxUrl(chain, last.anchor.tx_hash) : null } : null,
    verification: {
      ok: report.ok,
      checked_at: deps.now().toISOString(),
      records_checked: report.records_checked,
      broken: report.broken ? { kind: report.broken.kind, lane: report.broken.lane ?? null, seq: report.broken.seq ?? null, detail: report.broken.detail } : null,
      anchor_checked: false,
    },
    lanes: parts.map((part) => ({ lane: part.lane, first_seq: part.first_seq, last_seq: part.last_seq, status: laneStatus(part.lane) })),
  };
}
