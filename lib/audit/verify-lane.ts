import type { AuditReader } from './audit-reader.js';
import { recordLeaf, type LanePart } from './digests.js';
import { merkleRoot } from './merkle.js';
import type { RegisteredLane } from './reads.js';
import { genesisHash, seqFromSortKey, type StoredRecord } from './record.js';
import { verifyChain, type ChainBreak } from './verify-chain.js';
import { periodBreak, type PeriodBreak } from './verify-periods.js';

/** The lane's registry entry says other than the signed periods do. */
export interface RegistryBreak {
  kind: 'registry';
  seq: number | null;
  detail: string;
}

export type LaneBreak = (ChainBreak | RegistryBreak | PeriodBreak) & { lane: number };

/** A lane's part of a period, as the period's leaf states it. */
export interface CoveredPart {
  periodId: string;
  part: LanePart;
}

export interface LaneToVerify {
  reader: AuditReader;
  merchantId: string;
  lane: number;
  /** Its parts of the signed periods checked, in period order. */
  covered: CoveredPart[];
  /** Its part of the period being closed, if the close has reached it (stored, not signed yet). */
  pending: CoveredPart | undefined;
  registered: RegisteredLane | undefined;
  /** `--from`/`--to` given: only the covered parts' records (and the one before them) are read; registry and head are not held to the whole log. */
  ranged: boolean;
  to: string | undefined;
}

export interface LaneOutcome {
  checked: number;
  broken?: LaneBreak;
}

/**
 * One lane, against what was signed: its chain (every record from seq 1, the head naming the last),
 * its records' own bodies (this merchant, this lane, copies beside the body agreeing), every record a
 * signed period covers still there and giving the signed root, and the registry's closedSeq being
 * what the signed periods (or the period being closed) fix.
 */
export async function verifyLane(target: LaneToVerify): Promise<LaneOutcome> {
  const { reader, merchantId, lane, covered, pending, registered, ranged } = target;
  const at = (broken: ChainBreak | RegistryBreak | PeriodBreak, checked = 0): LaneOutcome => ({ checked, broken: { ...broken, lane } });

  // The signed parts follow each other from record 1: together they fix how far the lane is closed.
  const fromSeq = ranged ? covered[0]?.part.first_seq : 1;
  if (fromSeq === undefined) return { checked: 0 };
  let expected = fromSeq;
  for (const { periodId, part } of covered) {
    if (part.first_seq !== expected || !(part.last_seq >= part.first_seq)) {
      return at(periodBreak(periodId, `the period covers lane ${lane}'s records ${part.first_seq}..${part.last_seq}, the previous one ended at ${expected - 1}`, lane, expected));
    }
    expected = part.last_seq + 1;
  }
  const closedSeq = expected - 1;
  if (!ranged && pending && pending.part.first_seq !== closedSeq + 1) {
    return at(periodBreak(pending.periodId, `the period being closed covers lane ${lane} from ${pending.part.first_seq}, the signed periods end at ${closedSeq}`, lane, closedSeq + 1));
  }

  const toSeq = ranged && target.to !== undefined ? closedSeq : undefined;
  const [head, records] = await Promise.all([
    reader.head(merchantId, lane),
    ranged ? reader.records(merchantId, lane, { fromSeq: Math.max(1, fromSeq - 1), ...(toSeq === undefined ? {} : { toSeq }) }) : reader.records(merchantId, lane),
  ]);
  if (!head && toSeq === undefined) {
    if (records.length > 0) return at({ kind: 'removed', seq: null, sk: 'HEAD', detail: `lane ${lane} has records but no head` });
    if (registered || covered.length > 0 || pending) return at({ kind: 'removed', seq: 1, sk: '', detail: `lane ${lane} is registered or covered by a period, but its records and head are gone` });
    return { checked: 0 };
  }
  const before = fromSeq > 1 ? records.shift() : undefined;
  if (fromSeq > 1 && (!before || seqFromSortKey(before.sk) !== fromSeq - 1)) {
    return at({ kind: 'removed', seq: fromSeq - 1, sk: before?.sk ?? '', detail: `record ${fromSeq - 1}, which the range chains to, is missing` });
  }
  const chain = verifyChain(records, { seq: fromSeq - 1, hash: before?.hash ?? genesisHash }, toSeq === undefined ? head : undefined);
  if (chain.broken) return at(chain.broken, chain.checked);
  const foreign = records.map((record) => bodyBreak(record, merchantId, lane)).find((broken) => broken !== undefined);
  if (foreign) return at(foreign, chain.checked);

  // Closed records are still there (a head moved back with them shows here), and give the signed roots.
  const lastSeq = chain.lastSeq;
  const mustHave = Math.max(closedSeq, ranged ? 0 : pending?.part.last_seq ?? 0);
  if (mustHave > lastSeq) {
    return at({ kind: 'removed', seq: lastSeq + 1, sk: '', detail: `records ${lastSeq + 1}..${mustHave}, covered by a period, are missing (the chain ends at ${lastSeq})` }, chain.checked);
  }
  for (const { periodId, part } of [...covered, ...(!ranged && pending ? [pending] : [])]) {
    const range = records.slice(part.first_seq - fromSeq, part.last_seq - fromSeq + 1);
    if (merkleRoot(range.map((r) => recordLeaf(r.hash))).toString('hex') !== part.root) {
      return at(periodBreak(periodId, `lane ${lane}'s records ${part.first_seq}..${part.last_seq} no longer give the root of period ${periodId}: they were rewritten together with their hashes`, lane, part.first_seq), chain.checked);
    }
  }
  if (!ranged) {
    const registryBreak = checkRegistry(registered, lane, lastSeq, closedSeq, pending);
    if (registryBreak) return at(registryBreak, chain.checked);
  }
  return { checked: chain.checked };
}

/** A record whose body names another merchant or lane, or whose copies beside the body disagree with it. */
function bodyBreak(record: StoredRecord, merchantId: string, lane: number): ChainBreak | undefined {
  const { body, besideBody = {} } = record;
  if (body.merchant_id !== merchantId || body.lane !== lane) {
    return { kind: 'inserted', seq: body.seq, sk: record.sk, detail: `record ${body.seq} is merchant ${body.merchant_id}'s, lane ${body.lane}: it was copied here` };
  }
  for (const [field, value] of Object.entries(besideBody)) {
    if (value !== String(body[field as keyof typeof body])) {
      return { kind: 'changed', seq: body.seq, sk: record.sk, detail: `record ${body.seq}'s \`${field}\` attribute says ${value}, its hashed body ${String(body[field as keyof typeof body])}` };
    }
  }
  return undefined;
}

/** The registry's closedSeq is what the signed periods fix (or the period being closed, once it reached the lane). */
function checkRegistry(registered: RegisteredLane | undefined, lane: number, lastSeq: number, closedSeq: number, pending: CoveredPart | undefined): RegistryBreak | undefined {
  if (!registered) {
    return lastSeq > 0 ? { kind: 'registry', seq: null, detail: `lane ${lane} has records but no registry entry: no period close would cover them` } : undefined;
  }
  const allowed = [closedSeq, ...(pending ? [pending.part.last_seq] : [])];
  if (!allowed.includes(registered.closedSeq)) {
    return { kind: 'registry', seq: registered.closedSeq, detail: `lane ${lane}'s registry entry says records up to ${registered.closedSeq} are closed, the signed periods cover up to ${closedSeq}` };
  }
  return undefined;
}
