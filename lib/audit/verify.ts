import { kmsAuditTrust, tableAuditReader, type AuditReader, type AuditTrust } from './audit-reader.js';
import type { AuditDeps } from './deps.js';
import { laneLeafData, type LaneDigest, type StoredLeaf, type StoredPeriod } from './digests.js';
import { auditLaneCount } from './record.js';
import { verifyLane, type CoveredPart, type LaneBreak } from './verify-lane.js';
import { checkAnchor, checkPeriodChain, checkSignedPeriod, periodBreak, type PeriodBreak } from './verify-periods.js';

export type { PeriodBreak } from './verify-periods.js';

export interface VerifyRequest {
  merchantId: string;
  /** Periods closed in [from, to] (ISO times); without them, the whole log and every period. */
  from?: string;
  to?: string;
}

export interface VerifyReport {
  ok: boolean;
  merchant_id: string;
  /** Lanes that hold records (docs/audit.md, "Lanes"). */
  lanes_checked: number;
  records_checked: number;
  /** Signed periods that cover the merchant (every period in the window is checked whole). */
  periods_checked: number;
  anchors_checked: number;
  /** Periods whose anchor transaction is sent but not mined yet, or not sent yet. */
  anchors_pending: string[];
  /** The first problem: a record changed, removed, inserted or reordered, a registry entry, or a period that does not hold. */
  broken?: LaneBreak | PeriodBreak;
}

type VerifyDeps = Pick<AuditDeps, 'dynamodb' | 'kms' | 'tableName' | 'anchorer'>;

/** `audit verify` against the table, KMS and the anchor chain. */
export function verifyAuditLog(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyReport> {
  return verifyLog(tableAuditReader(deps), kmsAuditTrust(deps.kms, deps.anchorer), request);
}

/**
 * Holds the merchant's log to what was signed (docs/audit.md, "Verifying"): the chain of periods,
 * each period's signature and completeness (its stored leaves rebuild its signed root and size),
 * each lane against those leaves (verifyLane), the merchant's digests against them, then the
 * anchors of the periods that cover the merchant. Stops at the first problem and names it; never throws on what
 * it reads.
 */
export async function verifyLog(reader: AuditReader, trust: AuditTrust, request: VerifyRequest): Promise<VerifyReport> {
  const { merchantId } = request;
  const report: VerifyReport = { ok: true, merchant_id: merchantId, lanes_checked: 0, records_checked: 0, periods_checked: 0, anchors_checked: 0, anchors_pending: [] };
  const fail = (broken: LaneBreak | PeriodBreak): VerifyReport => ({ ...report, ok: false, broken });
  const ranged = request.from !== undefined || request.to !== undefined;
  const inRange = (periodId: string) => (!request.from || periodId >= request.from) && (!request.to || periodId <= request.to);

  // While a close runs, the registry is read before the period being closed, and that before the
  // signed periods: a lane's closedSeq read then is the signed one or the one the close reached.
  const registered = await reader.registry(merchantId);
  const closing = await reader.closing();
  const [periods, headId] = await Promise.all([reader.periods(), reader.periodHead()]);
  const chainBreak = checkPeriodChain(periods, headId);
  if (chainBreak) return fail(chainBreak);

  const covered: (CoveredPart & { index: number; text: string })[] = [];
  const covering: StoredPeriod[] = [];
  for (const period of periods.filter((p) => inRange(p.digest.period_id))) {
    const checked = await checkSignedPeriod(reader, trust, period);
    if ('kind' in checked) return fail(checked);
    const own = merchantLeaves(checked.leaves, merchantId, period.digest.period_id);
    if (own.length > 0) covering.push(period);
    covered.push(...own);
  }
  // The period being closed, unless it was stored between the two reads (then it is among the signed ones).
  const open = closing && !periods.some((p) => p.digest.period_id === closing.period_id) ? closing : undefined;
  const pending = open && !ranged
    ? merchantLeaves((await reader.periodLeaves(open.period_id)).filter((leaf) => leaf.index !== undefined && leaf.index < open.size), merchantId, open.period_id)
    : [];

  const lanes = [...new Set([...Array.from({ length: auditLaneCount }, (_, lane) => lane), ...registered.map((r) => r.lane), ...covered.map((c) => c.part.lane), ...pending.map((c) => c.part.lane)])].sort((a, b) => a - b);
  for (const lane of lanes) {
    const outcome = await verifyLane({
      reader, merchantId, lane, ranged, to: request.to,
      covered: covered.filter((c) => c.part.lane === lane),
      pending: pending.find((c) => c.part.lane === lane),
      registered: registered.find((r) => r.lane === lane),
    });
    report.records_checked += outcome.checked;
    if (outcome.checked > 0) report.lanes_checked += 1;
    if (outcome.broken) return fail(outcome.broken);
  }

  // After the lanes: a lane deleted whole, digests included, is named by its lane rather than by its digest.
  // Digests a close is writing while this runs are not held to leaves it has not read: those of a
  // step after the closing period was read, or of a period opened since. Such a digest signs
  // nothing (a proof climbs from the signed period's own leaves), so leaving it is safe.
  const known = new Set(periods.map((p) => p.digest.period_id));
  const latest = periods.at(-1)?.digest.period_id ?? '';
  const lookedAt = (d: { period_id: string; index: number }) => known.has(d.period_id)
    ? inRange(d.period_id)
    : d.period_id === open?.period_id ? !ranged && d.index < open.size : d.period_id <= latest;
  const digestBreak = await checkDigests(reader, merchantId, [...covered, ...pending], lookedAt);
  if (digestBreak) return fail(digestBreak);

  report.periods_checked = covering.length;
  for (const period of covering) {
    const anchor = await checkAnchor(trust, period);
    if (typeof anchor === 'object') return fail(anchor);
    if (anchor === 'anchored') report.anchors_checked += 1;
    else report.anchors_pending.push(period.digest.period_id);
  }
  report.anchors_pending.sort();
  return report;
}

function merchantLeaves(leaves: StoredLeaf[], merchantId: string, periodId: string) {
  return leaves.filter((leaf) => leaf.part.merchant_id === merchantId).map((leaf) => ({ periodId, part: leaf.part, index: leaf.index!, text: leaf.text }));
}

/**
 * The merchant's digests (the index `audit proof` finds a record's period by) agree with the
 * periods' leaves: each digest is its period's leaf at its index, and each of the merchant's leaves
 * has its digest. Digests of periods outside the window are not looked at.
 */
async function checkDigests(reader: AuditReader, merchantId: string, leaves: (CoveredPart & { index: number; text: string })[], lookedAt: (d: LaneDigest) => boolean): Promise<PeriodBreak | undefined> {
  const digests = (await reader.merchantDigests(merchantId)).filter(lookedAt);
  const byPlace = new Map(leaves.map((leaf) => [`${leaf.periodId}#${leaf.index}`, leaf]));
  for (const digest of digests) {
    const leaf = byPlace.get(`${digest.period_id}#${digest.index}`);
    if (!leaf || leaf.text !== laneLeafData(digest)) {
      return periodBreak(String(digest.period_id), `lane ${digest.lane}'s digest for period ${digest.period_id} is not the period's leaf ${digest.index}: it was changed or added`, Number.isInteger(digest.lane) ? digest.lane : null, Number.isInteger(digest.first_seq) ? digest.first_seq : null);
    }
    byPlace.delete(`${digest.period_id}#${digest.index}`);
  }
  const orphan = [...byPlace.values()][0];
  if (orphan) return periodBreak(orphan.periodId, `lane ${orphan.part.lane}'s digest for period ${orphan.periodId} (records ${orphan.part.first_seq}..${orphan.part.last_seq}) was removed`, orphan.part.lane, orphan.part.first_seq);
  return undefined;
}
