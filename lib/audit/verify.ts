import type { AuditDeps } from './deps.js';
import { anchorCalldata, laneLeaf, recordLeaf, type LaneDigest, type StoredPeriod } from './digests.js';
import { merkleRoot, rootFromPath } from './merkle.js';
import { readHead, readMerchantDigests, readPeriod, readRecords, readRegistry } from './reads.js';
import { auditLaneCount, canonicalJson, genesisHash, seqFromSortKey } from './record.js';
import { signatureHolds, signingPublicKey } from './signing.js';
import { verifyChain, type ChainBreak } from './verify-chain.js';

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
  periods_checked: number;
  anchors_checked: number;
  /** Periods whose anchor transaction is sent but not mined yet, or not sent yet. */
  anchors_pending: string[];
  /** The first problem: a record changed, removed, inserted or reordered, or a period that does not hold. */
  broken?: (ChainBreak & { lane: number }) | PeriodBreak;
}

export interface PeriodBreak {
  kind: 'period';
  period_id: string;
  lane: number | null;
  seq: number | null;
  detail: string;
}

type VerifyDeps = Pick<AuditDeps, 'dynamodb' | 'kms' | 'tableName' | 'anchorer'>;

/** What one period's signed digest and anchor came to: checked once, however many lanes it covers. */
type PeriodCheck = { period: StoredPeriod; anchored: boolean } | { detail: string };

/**
 * Recomputes each of the merchant's lanes (hash chain, head), each period's record root and its path
 * to the signed period root, checks the KMS signature of each period digest and finds each anchor on
 * chain with the anchoring wallet as sender. Stops at the first problem, naming the record (or period).
 */
export async function verifyAuditLog(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyReport> {
  const report: VerifyReport = {
    ok: true, merchant_id: request.merchantId, lanes_checked: 0, records_checked: 0, periods_checked: 0, anchors_checked: 0, anchors_pending: [],
  };
  const inRange = (periodId: string) => (!request.from || periodId >= request.from) && (!request.to || periodId <= request.to);
  const [allDigests, registered] = await Promise.all([readMerchantDigests(deps, request.merchantId), readRegistry(deps, request.merchantId)]);
  // Every lane a writer may use, and any other a digest or the registry names: a lane deleted whole is still looked for.
  const lanes = [...new Set([...Array.from({ length: auditLaneCount }, (_, lane) => lane), ...registered.map((r) => r.lane), ...allDigests.map((d) => d.lane)])].sort((a, b) => a - b);
  const periods = new Map<string, Promise<PeriodCheck>>();
  const pending = new Set<string>();
  const anchored = new Set<string>();
  for (const lane of lanes) {
    const digests = allDigests.filter((d) => d.lane === lane && inRange(d.period_id)).sort((a, b) => a.first_seq - b.first_seq);
    const target = { deps, merchantId: request.merchantId, lane, registered: registered.some((r) => r.lane === lane), ranged: request.from !== undefined || request.to !== undefined, to: request.to };
    const checked = await verifyLane(target, digests, report);
    if (checked.broken) return { ...report, ok: false, broken: checked.broken };
    for (const digest of digests) {
      const period = periods.get(digest.period_id) ?? checkPeriod(deps, digest.period_id);
      periods.set(digest.period_id, period);
      const broken = await checkLaneInPeriod(digest, await period);
      if (broken) return { ...report, ok: false, broken };
      const outcome = await period;
      if ('anchored' in outcome) (outcome.anchored ? anchored : pending).add(digest.period_id);
    }
    report.periods_checked = periods.size;
    report.anchors_checked = anchored.size;
    report.anchors_pending = [...pending].sort();
  }
  return report;
}

interface LaneToVerify {
  deps: VerifyDeps;
  merchantId: string;
  lane: number;
  registered: boolean;
  ranged: boolean;
  to: string | undefined;
}

/** The lane's chain, and each of its period digests' record roots. */
async function verifyLane(target: LaneToVerify, digests: LaneDigest[], report: VerifyReport): Promise<{ broken?: VerifyReport['broken'] }> {
  const { deps, merchantId, lane, ranged } = target;
  const at = (broken: ChainBreak) => ({ broken: { ...broken, lane } });
  // A range starts at its first period's first record, chained to the record before it.
  const fromSeq = ranged ? digests[0]?.first_seq : 1;
  if (fromSeq === undefined) return {};
  const toSeq = ranged && target.to !== undefined ? digests.at(-1)!.last_seq : undefined;
  const [head, records] = await Promise.all([readHead(deps, merchantId, lane), readRecords(deps, merchantId, lane, { fromSeq: Math.max(1, fromSeq - 1), ...(toSeq === undefined ? {} : { toSeq }) })]);
  if (!ranged && !head) {
    if (records.length > 0) return at({ kind: 'removed', seq: null, sk: 'HEAD', detail: `lane ${lane} has records but no head` });
    if (target.registered || digests.length > 0) return at({ kind: 'removed', seq: 1, sk: '', detail: `lane ${lane} is registered but its records and head are gone` });
    return {};
  }
  const before = fromSeq > 1 ? records.shift() : undefined;
  if (fromSeq > 1 && (!before || seqFromSortKey(before.sk) !== fromSeq - 1)) {
    return at({ kind: 'removed', seq: fromSeq - 1, sk: before?.sk ?? '', detail: `record ${fromSeq - 1}, which the range chains to, is missing` });
  }
  const chain = verifyChain(records, { seq: fromSeq - 1, hash: before?.hash ?? genesisHash }, toSeq === undefined ? head : undefined);
  report.records_checked += chain.checked;
  if (chain.checked > 0) report.lanes_checked += 1;
  if (chain.broken) return at(chain.broken);

  const bySeq = new Map(records.map((r) => [r.body.seq, r]));
  let expectedFirst = fromSeq;
  for (const digest of digests) {
    const fail = (detail: string, seq: number | null = null) => ({ broken: { kind: 'period' as const, period_id: digest.period_id, lane, seq, detail } });
    if (digest.first_seq !== expectedFirst) return fail(`the period covers lane ${lane}'s records from ${digest.first_seq}, the previous one ended at ${expectedFirst - 1}`, expectedFirst);
    const leaves = [];
    for (let seq = digest.first_seq; seq <= digest.last_seq; seq += 1) leaves.push(recordLeaf(bySeq.get(seq)!.hash));
    if (merkleRoot(leaves).toString('hex') !== digest.root) {
      return fail(`lane ${lane}'s records ${digest.first_seq}..${digest.last_seq} no longer give the root signed for period ${digest.period_id}: they were rewritten together with their hashes`, digest.first_seq);
    }
    expectedFirst = digest.last_seq + 1;
  }
  return {};
}

/** The lane's root climbs to the period's signed root. */
async function checkLaneInPeriod(digest: LaneDigest, check: PeriodCheck): Promise<PeriodBreak | undefined> {
  const fail = (detail: string): PeriodBreak => ({ kind: 'period', period_id: digest.period_id, lane: digest.lane, seq: null, detail });
  if ('detail' in check) return fail(check.detail);
  const root = rootFromPath(laneLeaf(digest), digest.index, digest.size, digest.path.map((h) => Buffer.from(h, 'hex')));
  if (!root || root.toString('hex') !== check.period.digest.root || digest.size !== check.period.digest.size) return fail(`lane ${digest.lane}'s root is not part of period ${digest.period_id}'s signed root`);
  return undefined;
}

/** The period's signature, and its anchor on chain (mined, carrying the root, sent by the anchoring wallet). */
async function checkPeriod(deps: VerifyDeps, periodId: string): Promise<PeriodCheck> {
  const period = await readPeriod(deps, periodId);
  if (!period) return { detail: `period ${periodId} has no signed digest` };
  const publicKey = await signingPublicKey(deps.kms, period.signingKeyId);
  if (!signatureHolds(publicKey, canonicalJson(period.digest), period.signature)) return { detail: `the signature of period ${periodId} does not hold` };
  if (!period.anchor) return { period, anchored: false };
  const onChain = await deps.anchorer.find(period.anchor);
  if (!onChain || onChain.blockNumber === null) return { period, anchored: false };
  if (onChain.data.toLowerCase() !== anchorCalldata(period.digest.root)) return { detail: `anchor ${period.anchor.tx_hash} carries another root` };
  if (onChain.from !== (await deps.anchorer.address())) return { detail: `anchor ${period.anchor.tx_hash} was not sent by the anchoring wallet` };
  return { period, anchored: true };
}
