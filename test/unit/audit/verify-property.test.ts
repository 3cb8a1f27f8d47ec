import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditHeadKey, auditLanePartition, auditPartition, auditRegistryKey, recordItem, recordSortKey, sealRecord, storedRecordFromItem } from '#lib/audit/record.js';
import { verifyLog } from '#lib/audit/verify.js';
import { MemoryLog } from './memory-log.js';

const merchant = 'mer_target';
const other = 'mer_other';

/** One change an insider with write access to the table makes to what a signed period covers. */
const mutations = [
  'record body changed', 'record rewritten and its lane re-hashed', 'record deleted', 'records deleted and head moved back', 'records swapped',
  'attribute beside the body edited', 'lane deleted whole', 'head deleted', 'head seq moved', 'head hash changed',
  'registry entry deleted', 'registry closedSeq changed', 'digest deleted', 'digest changed',
] as const;
type Mutation = (typeof mutations)[number];

const plan = fc.record({
  lanes: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 4 }),
  otherLanes: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 3 }),
  // Records written per lane slot (target's four, then the other merchant's three) before each close.
  periods: fc.array(fc.array(fc.nat(3), { minLength: 7, maxLength: 7 }), { minLength: 1, maxLength: 4 }),
  tail: fc.array(fc.nat(2), { minLength: 7, maxLength: 7 }),
  mutation: fc.constantFrom(...mutations),
  pick: fc.nat(),
  pick2: fc.nat(),
});

function buildLog(p: { lanes: number[]; otherLanes: number[]; periods: number[][]; tail: number[] }): MemoryLog {
  const log = new MemoryLog();
  const write = (counts: number[]) => {
    p.lanes.forEach((lane, i) => Array.from({ length: counts[i]! }, () => log.append(merchant, lane)));
    p.otherLanes.forEach((lane, i) => Array.from({ length: counts[4 + i]! }, () => log.append(other, lane)));
  };
  p.periods.forEach((counts, period) => {
    write(period === 0 ? [Math.max(1, counts[0]!), ...counts.slice(1)] : counts);
    log.close();
  });
  write(p.tail);
  return log;
}

/** The target's lanes with records a signed period covers, and how far (the registry's closedSeq before the change). */
function coveredLanes(log: MemoryLog): { lane: number; closedSeq: number; headSeq: number }[] {
  return [...Array(16).keys()].flatMap((lane) => {
    const closedSeq = Number(log.get(auditRegistryKey(merchant, lane).pk.S, auditRegistryKey(merchant, lane).sk.S)?.closedSeq?.N ?? '0');
    const headSeq = Number(log.get(auditLanePartition(merchant, lane), 'HEAD')?.seq?.N ?? '0');
    return closedSeq > 0 ? [{ lane, closedSeq, headSeq }] : [];
  });
}

function mutate(log: MemoryLog, mutation: Mutation, pick: number, pick2: number) {
  const lanes = coveredLanes(log);
  const { lane, closedSeq, headSeq } = lanes[pick % lanes.length]!;
  const seq = 1 + (pick2 % closedSeq);
  const pk = auditLanePartition(merchant, lane);
  const record = () => storedRecordFromItem(log.get(pk, recordSortKey(seq))!);
  const head = log.get(pk, 'HEAD')!;
  const registry = auditRegistryKey(merchant, lane);
  const digests = log.query(auditPartition(merchant), 'DIGEST#').filter((d) => d.sk!.S!.endsWith(`#${String(lane).padStart(2, '0')}`));
  const digest = digests[pick2 % digests.length]!;
  switch (mutation) {
    case 'record body changed':
      log.put({ ...log.get(pk, recordSortKey(seq))!, body: { S: JSON.stringify({ ...record().body, action: 'payment.canceled.forged' }) } });
      return;
    case 'record rewritten and its lane re-hashed': {
      let prev = record().body.prev_hash;
      for (let s = seq; s <= headSeq; s += 1) {
        const body = storedRecordFromItem(log.get(pk, recordSortKey(s))!).body;
        const sealed = sealRecord({ ...body, prev_hash: prev, ...(s === seq ? { action: 'payment.canceled.forged' } : {}) });
        log.put(recordItem(sealed));
        prev = sealed.hash;
      }
      log.put({ ...head, hash: { S: prev } });
      return;
    }
    case 'record deleted':
      log.delete(pk, recordSortKey(seq));
      return;
    case 'records deleted and head moved back': {
      for (let s = seq; s <= headSeq; s += 1) log.delete(pk, recordSortKey(s));
      if (seq === 1) log.delete(pk, 'HEAD');
      else log.put({ ...head, seq: { N: String(seq - 1) }, hash: { S: storedRecordFromItem(log.get(pk, recordSortKey(seq - 1))!).hash } });
      return;
    }
    case 'records swapped': {
      const otherSeq = seq === headSeq ? seq - 1 : seq + 1;
      if (otherSeq < 1) {
        log.put({ ...log.get(pk, recordSortKey(seq))!, sk: { S: recordSortKey(seq + 5) } });
        return;
      }
      const [a, b] = [log.get(pk, recordSortKey(seq))!, log.get(pk, recordSortKey(otherSeq))!];
      log.put({ ...b, sk: a.sk! });
      log.put({ ...a, sk: b.sk! });
      return;
    }
    case 'attribute beside the body edited': {
      const { body } = record();
      const copies: Record<string, AttributeValue>[] = [{ at: { S: '2020-01-01T00:00:00.000Z' } }, { seq: { N: String(body.seq + 1) } }, { lane: { N: String((body.lane + 1) % 16) } }, { prev_hash: { S: 'f'.repeat(64) } }];
      log.put({ ...log.get(pk, recordSortKey(seq))!, ...copies[pick2 % copies.length] });
      return;
    }
    case 'lane deleted whole':
      for (const item of log.query(pk)) log.delete(pk, item.sk!.S!);
      log.delete(registry.pk.S, registry.sk.S);
      for (const d of digests) log.delete(d.pk!.S!, d.sk!.S!);
      return;
    case 'head deleted':
      log.delete(pk, 'HEAD');
      return;
    case 'head seq moved':
      log.put({ ...head, seq: { N: String(pick2 % 2 === 0 ? headSeq + 1 + (pick2 % 3) : Math.max(0, headSeq - 1 - (pick2 % 3))) } });
      return;
    case 'head hash changed':
      log.put({ ...head, hash: { S: 'e'.repeat(64) } });
      return;
    case 'registry entry deleted':
      log.delete(registry.pk.S, registry.sk.S);
      return;
    case 'registry closedSeq changed': {
      const to = pick2 % 2 === 0 ? closedSeq + 1 + (pick2 % 3) : Math.max(0, closedSeq - 1 - (pick2 % 3));
      log.put({ ...log.get(registry.pk.S, registry.sk.S)!, closedSeq: { N: String(to) } });
      return;
    }
    case 'digest deleted':
      log.delete(digest.pk!.S!, digest.sk!.S!);
      return;
    case 'digest changed': {
      const body = JSON.parse(digest.digest!.S!);
      const changes = [{ root: 'd'.repeat(64) }, { last_seq: body.last_seq + 1 }, { first_seq: body.first_seq + 1 }, { index: body.index + 1 }];
      log.put({ ...digest, digest: { S: JSON.stringify({ ...body, ...changes[pick2 % changes.length] }) } });
      return;
    }
  }
}

describe('audit verify, on random logs over several periods', () => {
  it('passes every untouched log', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const log = buildLog(p);
        const report = await verifyLog(log.reader(), log.trust(), { merchantId: merchant });
        return report.ok && report.broken === undefined && report.periods_checked > 0;
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it('finds any one change an insider makes to a covered record, lane, head, registry entry or digest (1,000 of 1,000)', async () => {
    const missed: string[] = [];
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const log = buildLog(p);
        mutate(log, p.mutation, p.pick, p.pick2);
        const report = await verifyLog(log.reader(), log.trust(), { merchantId: merchant });
        if (report.ok || !report.broken) missed.push(p.mutation);
        return !report.ok && report.broken !== undefined;
      }),
      { numRuns: 1000 },
    );
    expect(missed).toEqual([]);
  }, 60_000);
});
