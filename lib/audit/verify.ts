import type { AuditDeps } from './deps.js';
import { anchorCalldata, merchantLeaf, recordLeaf, type MerchantDigest } from './digests.js';
import { merkleRoot, rootFromPath } from './merkle.js';
import { readHead, readMerchantDigests, readPeriod, readRecords } from './reads.js';
import { canonicalJson, genesisHash, seqFromSortKey } from './record.js';
import { signatureHolds, signingPublicKey } from './signing.js';
import { verifyChain, type ChainBreak } from './verify-chain.js';

export interface VerifyRequest {
  merchantId: string;
  /** Periods closed in [from, to] (ISO times); without them, the whole chain and every period. */
  from?: string;
  to?: string;
}

export interface VerifyReport {
  ok: boolean;
  merchant_id: string;
  records_checked: number;
  periods_checked: number;
  anchors_checked: number;
  /** Periods whose anchor transaction is sent but not mined yet, or not sent yet. */
  anchors_pending: string[];
  /** The first problem: a record changed, removed, inserted or reordered, or a period that does not hold. */
  broken?: ChainBreak | PeriodBreak;
}

export interface PeriodBreak {
  kind: 'period';
  period_id: string;
  seq: number | null;
  detail: string;
}

type VerifyDeps = Pick<AuditDeps, 'dynamodb' | 'kms' | 'tableName' | 'anchorer'>;

/**
 * Recomputes the merchant's hash chain, each period's record root and its path to the signed period
 * root, checks the KMS signature of each period digest and finds each anchor on chain with the
 * anchoring wallet as sender. Stops at the first problem, naming the record (or period) at fault.
 */
export async function verifyAuditLog(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, merchant_id: request.merchantId, records_checked: 0, periods_checked: 0, anchors_checked: 0, anchors_pending: [] };
  const fail = (broken: ChainBreak | PeriodBreak): VerifyReport => ({ ...report, ok: false, broken });
  const inRange = (periodId: string) => (!request.from || periodId >= request.from) && (!request.to || periodId <= request.to);
  const allDigests = (await readMerchantDigests(deps, request.merchantId)).sort((a, b) => a.first_seq - b.first_seq);
  const digests = allDigests.filter((d) => inRange(d.period_id));
  const ranged = request.from !== undefined || request.to !== undefined;

  // A range starts at its first period's first record, chained to the record before it.
  const fromSeq = ranged ? digests[0]?.first_seq : 1;
  if (fromSeq === undefined) return report;
  const toSeq = ranged && request.to !== undefined ? digests.at(-1)!.last_seq : undefined;
  const [head, records] = await Promise.all([readHead(deps, request.merchantId), readRecords(deps, request.merchantId, { fromSeq: Math.max(1, fromSeq - 1), ...(toSeq === undefined ? {} : { toSeq }) })]);
  const before = fromSeq > 1 ? records.shift() : undefined;
  if (fromSeq > 1 && (!before || seqFromSortKey(before.sk) !== fromSeq - 1)) {
    return fail({ kind: 'removed', seq: fromSeq - 1, sk: before?.sk ?? '', detail: `record ${fromSeq - 1}, which the range chains to, is missing` });
  }
  const chain = verifyChain(records, { seq: fromSeq - 1, hash: before?.hash ?? genesisHash }, toSeq === undefined ? head : undefined);
  report.records_checked = chain.checked;
  if (chain.broken) return fail(chain.broken);

  const bySeq = new Map(records.map((r) => [r.body.seq, r]));
  let expectedFirst = fromSeq;
  for (const digest of digests) {
    const broken = await checkPeriod(deps, digest, bySeq, expectedFirst, report);
    if (broken) return fail(broken);
    expectedFirst = digest.last_seq + 1;
    report.periods_checked += 1;
  }
  return report;
}

async function checkPeriod(deps: VerifyDeps, digest: MerchantDigest, bySeq: Map<number, { hash: string }>, expectedFirst: number, report: VerifyReport): Promise<PeriodBreak | undefined> {
  const at = (detail: string, seq: number | null = null): PeriodBreak => ({ kind: 'period', period_id: digest.period_id, seq, detail });
  if (digest.first_seq !== expectedFirst) return at(`the period covers records from ${digest.first_seq}, the previous one ended at ${expectedFirst - 1}`, expectedFirst);
  const leaves = [];
  for (let seq = digest.first_seq; seq <= digest.last_seq; seq += 1) leaves.push(recordLeaf(bySeq.get(seq)!.hash));
  if (merkleRoot(leaves).toString('hex') !== digest.root) {
    return at(`records ${digest.first_seq}..${digest.last_seq} no longer give the root signed for period ${digest.period_id}: they were rewritten together with their hashes`, digest.first_seq);
  }
  const period = await readPeriod(deps, digest.period_id);
  if (!period) return at(`period ${digest.period_id} has no signed digest`);
  const root = rootFromPath(merchantLeaf(digest), digest.index, digest.size, digest.path.map((h) => Buffer.from(h, 'hex')));
  if (!root || root.toString('hex') !== period.digest.root || digest.size !== period.digest.size) return at(`the merchant's root is not part of period ${digest.period_id}'s signed root`);
  const publicKey = await signingPublicKey(deps.kms, period.signingKeyId);
  if (!signatureHolds(publicKey, canonicalJson(period.digest), period.signature)) return at(`the signature of period ${digest.period_id} does not hold`);
  if (!period.anchor) {
    report.anchors_pending.push(digest.period_id);
    return undefined;
  }
  const onChain = await deps.anchorer.find(period.anchor);
  if (!onChain || onChain.blockNumber === null) {
    report.anchors_pending.push(digest.period_id);
    return undefined;
  }
  if (onChain.data.toLowerCase() !== anchorCalldata(period.digest.root)) return at(`anchor ${period.anchor.tx_hash} carries another root`);
  if (onChain.from !== (await deps.anchorer.address())) return at(`anchor ${period.anchor.tx_hash} was not sent by the anchoring wallet`);
  report.anchors_checked += 1;
  return undefined;
}
