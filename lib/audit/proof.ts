import { NotFoundError, ValidationError } from '#platform';
import { readClosingPeriod } from './closing.js';
import type { AuditDeps } from './deps.js';
import { anchorCalldata, laneLeafData, recordLeaf, type PeriodAnchor, type StoredPeriod } from './digests.js';
import { auditPath, leafHash } from './merkle.js';
import { readMerchantDigests, readPeriod, readPeriodLeaves, readRecords } from './reads.js';
import { canonicalJson, isLane, recordId } from './record.js';
import { signingPublicKey } from './signing.js';

/**
 * Everything a third party needs to check that one record is in an anchored root, with SHA-256 and
 * an ECDSA verify only (RFC 6962 audit paths): the record, its path to its lane's period root,
 * that root's path to the signed period root, the signed digest and the anchor transaction.
 */
export interface InclusionProof {
  record_id: string;
  hashing: string;
  record: { canonical_json: string; hash: string };
  lane_tree: { leaf_index: number; size: number; path: string[]; root: string };
  period_tree: { leaf_json: string; leaf_index: number; size: number; path: string[]; root: string };
  period: { digest_json: string; signature_der_base64: string; public_key_pem: string };
  anchor: (PeriodAnchor & { calldata: string }) | null;
}

/** `mer_...:3:42`: the merchant, the lane and the record's sequence number in it (as `audit verify` names records). */
export function parseRecordId(recordId: string): { merchantId: string; lane: number; seq: number } {
  const match = /^([A-Za-z0-9_]+):(\d{1,2}):(\d+)$/.exec(recordId);
  if (!match || !isLane(Number(match[2]))) throw new ValidationError(`A record is named <merchant id>:<lane>:<seq>, e.g. mer_01j...:3:42; got "${recordId}".`);
  return { merchantId: match[1]!, lane: Number(match[2]), seq: Number(match[3]) };
}

export async function inclusionProof(deps: Pick<AuditDeps, 'dynamodb' | 'kms' | 'tableName'>, recordId: string): Promise<InclusionProof> {
  const { merchantId, lane, seq } = parseRecordId(recordId);
  const [proof] = await inclusionProofs(deps, merchantId, [{ lane, seq }]);
  if (!proof) throw new NotFoundError('closed period holding audit record', recordId);
  return proof;
}

/**
 * Proofs of several records of one merchant, each lane part, period and period's leaves read once
 * (a statement proves a record per line). Undefined for a record no closed period covers yet.
 */
export async function inclusionProofs(
  deps: Pick<AuditDeps, 'dynamodb' | 'kms' | 'tableName'>, merchantId: string, wanted: { lane: number; seq: number }[],
): Promise<(InclusionProof | undefined)[]> {
  const digests = await readMerchantDigests(deps, merchantId);
  const once = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    let value = cache.get(key);
    if (!value) cache.set(key, (value = load()));
    return value;
  };
  const parts = new Map<string, Promise<Buffer[]>>();
  const records = new Map<string, Promise<Awaited<ReturnType<typeof readRecords>>>>();
  const periods = new Map<string, Promise<StoredPeriod | 'closing' | undefined>>();
  const periodLeaves = new Map<string, Promise<Buffer[]>>();
  const proofs: (InclusionProof | undefined)[] = [];
  for (const { lane, seq } of wanted) {
    const recordName = recordId(merchantId, lane, seq);
    const digest = digests.find((d) => d.lane === lane && d.first_seq <= seq && seq <= d.last_seq);
    const period = digest && (await once(periods, digest.period_id, () => storedOrClosing(deps, digest.period_id)));
    // No part yet, or a part of the period a close is still working through: not closed yet.
    if (!digest || period === 'closing') {
      proofs.push(undefined);
      continue;
    }
    const partKey = `${digest.period_id}#${lane}`;
    const partRecords = await once(records, partKey, () => readRecords(deps, merchantId, lane, { fromSeq: digest.first_seq, toSeq: digest.last_seq }));
    const record = partRecords.find((r) => r.body.seq === seq);
    if (!record) throw new NotFoundError('audit record', recordName);
    const leaves = await once(parts, partKey, async () => partRecords.map((r) => recordLeaf(r.hash)));
    if (!period) throw new NotFoundError('signed period', digest.period_id);
    // The period path is computed from the period's stored leaves: a close keeps only their frontier.
    const stored = await once(periodLeaves, digest.period_id, async () => (await readPeriodLeaves(deps, digest.period_id)).map((leaf) => leafHash(Buffer.from(leaf.text, 'utf8'))));
    const publicKey = await signingPublicKey(deps.kms, period.signingKeyId);
    const index = seq - digest.first_seq;
    proofs.push({
      record_id: recordName,
      hashing: proofHashing,
      record: { canonical_json: canonicalJson(record.body), hash: record.hash },
      lane_tree: { leaf_index: index, size: leaves.length, path: auditPath(index, leaves).map((h) => h.toString('hex')), root: digest.root },
      period_tree: { leaf_json: laneLeafData(digest), leaf_index: digest.index, size: stored.length, path: auditPath(digest.index, stored).map((h) => h.toString('hex')), root: period.digest.root },
      period: { digest_json: canonicalJson(period.digest), signature_der_base64: period.signature, public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      anchor: period.anchor ? { ...period.anchor, calldata: anchorCalldata(period.digest.root) } : null,
    });
  }
  return proofs;
}

const proofHashing = 'RFC 6962: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right). Record leaf data: the 32 bytes of record.hash = SHA-256(record.canonical_json). Period leaf data: the UTF-8 bytes of period_tree.leaf_json, whose root is lane_tree.root. The period root is digest_json.root, signed (ECDSA P-256, SHA-256) over digest_json, and is the calldata of the anchor transaction after the tag LANEPAY-AUDIT1.';

/**
 * The signed period, or 'closing' while a close works through it: a close stores each lane's part
 * page by page and the period only once it is signed. Read again after the closing item, since the
 * close may have stored the period and moved on between the two reads.
 */
async function storedOrClosing(deps: Pick<AuditDeps, 'dynamodb' | 'tableName'>, periodId: string): Promise<StoredPeriod | 'closing' | undefined> {
  const period = await readPeriod(deps, periodId);
  if (period) return period;
  if ((await readClosingPeriod(deps))?.period_id === periodId) return 'closing';
  return readPeriod(deps, periodId);
}
