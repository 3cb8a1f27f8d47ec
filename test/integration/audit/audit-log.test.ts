import { DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evmAnchorer } from '../../../lib/audit/evm-anchor.js';
import { forgetHeads } from '../../../lib/audit/heads.js';
import { closePeriod } from '../../../lib/audit/period.js';
import { readLatestPeriod, readMerchantDigests, readMerchantLog } from '../../../lib/audit/reads.js';
import { auditHeadKey, auditLanePartition, auditPartition, genesisHash, recordId, recordSortKey, type StoredRecord } from '../../../lib/audit/record.js';
import type { AuditDeps } from '../../../lib/audit/deps.js';
import { revokeApiKey, createApiKey } from '../../../lib/merchants/merchants.js';
import { authorizePayment } from '../../../lib/payments/authorize.js';
import { getPayment } from '../../../lib/payments/query.js';
import { settlePayment } from '../../../lib/payments/settle.js';
import { cliAgainstTestStack, type CliRun } from '../../support/cli.js';
import { chainRegistry, clients, containerDeps, fundedMerchant, merchantDeps, paymentDeps } from '../../support/deps.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);

function auditDeps(): AuditDeps {
  const { dynamodb, kms } = clients();
  return {
    dynamodb, kms, tableName: stack().tableName, signingKeyId: stack().keys.AuditSigningKey!,
    anchorer: evmAnchorer(kms, chainRegistry().chains[0]!, stack().keys.AuditAnchorKey!), now: () => new Date(),
  };
}

/**
 * A merchant with a few audited changes: created, profile change, two payments, a cancel, a key
 * created and revoked, then (with `payout`) a capture, whose payout the stack completes (one more
 * record) before this returns. Tampering tests leave the payout out: it would write while they tamper.
 */
async function merchantWithHistory({ payout = true } = {}) {
  const merchant = await fundedMerchant(50_000_000n, (p) => ({ ...p, name: `${p.name} renamed` }));
  const deps = paymentDeps();
  const pay = async () => (await authorizePayment(deps, {
    merchant: merchant.profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
    body: { amount: '1000000', asset: 'USDC', chain: 'local-a', destination: '0x000000000000000000000000000000000000dEaD', capture: 'manual', metadata: {} },
  })).payment;
  const [first, second] = [await pay(), await pay()];
  await settlePayment(deps, { merchant: merchant.profile, paymentId: second.id, action: { kind: 'cancel' } });
  const key = await createApiKey(merchantDeps(), merchant.merchant_id);
  await revokeApiKey(merchantDeps(), key.key_id);
  if (!payout) return merchant.merchant_id;
  await settlePayment(deps, { merchant: merchant.profile, paymentId: first.id, action: { kind: 'capture' } });
  await waitFor('the captured payment\'s payout to finish', async () => {
    const { status } = await getPayment(deps, merchant.merchant_id, first.id);
    return status === 'succeeded' || status === 'failed' ? status : undefined;
  }, { timeoutMs: 90_000, intervalMs: 250 });
  return merchant.merchant_id;
}

const reader = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });

/** The merchant's records, every lane, in time order. */
const merchantLog = (merchantId: string) => readMerchantLog(reader(), merchantId);

/** Each lane's records, in seq order. */
function byLane(records: StoredRecord[]): Map<number, StoredRecord[]> {
  const lanes = new Map<number, StoredRecord[]>();
  for (const record of records) lanes.set(record.body.lane, [...(lanes.get(record.body.lane) ?? []), record]);
  for (const lane of lanes.values()) lane.sort((a, b) => a.body.seq - b.body.seq);
  return lanes;
}

/** Every lane is a chain: seq 1, 2, 3... each record naming the hash of the one before it. */
function expectChained(records: StoredRecord[]) {
  for (const [lane, chain] of byLane(records)) {
    expect(chain.map((r) => r.body.seq), `lane ${lane}`).toEqual(chain.map((_, i) => i + 1));
    chain.forEach((r, i) => expect(r.body.prev_hash, `lane ${lane}, record ${i + 1}`).toBe(i === 0 ? genesisHash : chain[i - 1]!.hash));
  }
}

async function recordItem(merchantId: string, lane: number, seq: number): Promise<Record<string, AttributeValue>> {
  const { Item } = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: { pk: { S: auditLanePartition(merchantId, lane) }, sk: { S: recordSortKey(seq) } } }));
  return Item!;
}

/** The lane holding the most records of the merchant (writers spread them; tampering tests need two in one lane). */
async function busiestLane(merchantId: string): Promise<StoredRecord[]> {
  return [...byLane(await merchantLog(merchantId)).values()].sort((a, b) => b.length - a.length)[0]!;
}

async function putItem(item: Record<string, AttributeValue>) {
  await clients().dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: item }));
}

async function verifyCli(merchantId: string): Promise<CliRun & { report: any }> {
  const run = await lanepay('audit', 'verify', '--merchant', merchantId);
  return { ...run, report: JSON.parse(run.stdout) };
}

describe('the audit log', () => {
  beforeAll(() => {
    cli = cliAgainstTestStack();
  });
  afterAll(() => cli.cleanup());

  it('writes one chained record per change, in the change\'s own transaction', async () => {
    const merchantId = await merchantWithHistory();
    const records = await merchantLog(merchantId);
    expect(records.map((r) => r.body.action)).toEqual([
      'merchant.created', 'balance.sandbox_credited', 'merchant.profile_updated', 'payment.authorized', 'payment.authorized', 'payment.canceled', 'api_key.created', 'api_key.revoked',
      'payment.captured', 'payment.succeeded',
    ]);
    expectChained(records);
    expect(records[1]!.body.actor).toEqual({ type: 'operator', id: null });
    expect(records[3]!.body.actor).toEqual({ type: 'api_key', id: null });
    expect(records[9]!.body.actor).toEqual({ type: 'system', id: null });
    const verified = await verifyCli(merchantId);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.report).toMatchObject({ ok: true, records_checked: 10, lanes_checked: byLane(records).size });
  });

  it('keeps each lane one chain when writers race or start with no knowledge of the head', async () => {
    const merchant = await fundedMerchant(50_000_000n);
    forgetHeads(); // a cold container: its first write extends a head it has to learn from the cancellation
    const deps = paymentDeps();
    await Promise.all(Array.from({ length: 6 }, () => authorizePayment(deps, {
      merchant: merchant.profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
      body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: '0x000000000000000000000000000000000000dEaD', capture: 'manual', metadata: {} },
    })));
    const records = await merchantLog(merchant.merchant_id);
    expect(records).toHaveLength(8);
    expectChained(records);
    expect((await verifyCli(merchant.merchant_id)).report).toMatchObject({ ok: true, records_checked: 8 });
  });

  it('spreads writers in different containers over lanes, so a burst on one merchant is answered in full', async () => {
    const merchant = await fundedMerchant(50_000_000n);
    // Twelve containers: each client picks its own lane, and none waits for another's turn.
    const outcomes = await Promise.allSettled(containerDeps(12).flatMap((deps) => [0, 1].map(async () => authorizePayment(deps, {
      merchant: merchant.profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
      body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: '0x000000000000000000000000000000000000dEaD', capture: 'manual', metadata: {} },
    }))));
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    const records = await merchantLog(merchant.merchant_id);
    expect(records).toHaveLength(2 + 24);
    expectChained(records);
    expect(byLane(records).size).toBeGreaterThan(1);
    expect((await verifyCli(merchant.merchant_id)).report).toMatchObject({ ok: true, records_checked: 26 });
  });

  describe('tampered with straight in the table', () => {
    it('names a changed record', async () => {
      const merchantId = await merchantWithHistory({ payout: false });
      const { lane, seq } = (await merchantLog(merchantId))[3]!.body;
      const item = await recordItem(merchantId, lane, seq);
      const body = JSON.parse(item.body!.S!);
      await putItem({ ...item, body: { S: JSON.stringify({ ...body, action: 'payment.canceled' }) } });
      const run = await verifyCli(merchantId);
      expect(run.code).toBe(1);
      expect(run.report.broken).toMatchObject({ kind: 'changed', lane, seq });
      expect(run.stderr).toContain(`record ${recordId(merchantId, lane, seq)} was changed`);
    });

    it('names a removed record', async () => {
      const merchantId = await merchantWithHistory({ payout: false });
      const { lane, seq } = (await merchantLog(merchantId))[4]!.body;
      await clients().dynamodb.send(new DeleteItemCommand({ TableName: stack().tableName, Key: { pk: { S: auditLanePartition(merchantId, lane) }, sk: { S: recordSortKey(seq) } } }));
      const run = await verifyCli(merchantId);
      expect(run.code).toBe(1);
      expect(run.report.broken).toMatchObject({ kind: 'removed', lane, seq });
      expect(run.stderr).toContain(`record ${recordId(merchantId, lane, seq)} was removed`);
    });

    it('names a lane removed whole, head and all', async () => {
      const merchantId = await merchantWithHistory({ payout: false });
      const chain = await busiestLane(merchantId);
      const { lane } = chain[0]!.body;
      for (const key of [...chain.map((r) => ({ pk: { S: auditLanePartition(merchantId, lane) }, sk: { S: r.sk } })), auditHeadKey(merchantId, lane)]) {
        await clients().dynamodb.send(new DeleteItemCommand({ TableName: stack().tableName, Key: key }));
      }
      const run = await verifyCli(merchantId);
      expect(run.code).toBe(1);
      expect(run.report.broken).toMatchObject({ kind: 'removed', lane, seq: 1 });
    });

    it('names an inserted record', async () => {
      const merchantId = await merchantWithHistory({ payout: false });
      const { lane, seq } = (await merchantLog(merchantId))[2]!.body;
      const copy = await recordItem(merchantId, lane, seq);
      const sk = `${recordSortKey(seq)}-forged`;
      await putItem({ ...copy, sk: { S: sk } });
      const run = await verifyCli(merchantId);
      expect(run.code).toBe(1);
      expect(run.report.broken).toMatchObject({ kind: 'inserted', lane, sk });
      expect(run.stderr).toContain('was inserted');
    });

    it('names reordered records', async () => {
      const merchantId = await merchantWithHistory({ payout: false });
      const [first, second] = await busiestLane(merchantId);
      const { lane, seq } = first!.body;
      const [a, b] = [await recordItem(merchantId, lane, seq), await recordItem(merchantId, lane, second!.body.seq)];
      await putItem({ ...b, sk: a.sk! });
      await putItem({ ...a, sk: b.sk! });
      const run = await verifyCli(merchantId);
      expect(run.code).toBe(1);
      expect(run.report.broken).toMatchObject({ kind: 'reordered', lane, seq });
      expect(run.stderr).toContain(`record ${recordId(merchantId, lane, seq)} was reordered`);
    });
  });

  it('lets one of two closes running at once store its period, so the chain of periods never forks', async () => {
    await fundedMerchant(1_000_000n);
    const [first, second] = [auditDeps(), auditDeps()];
    const results = await Promise.all([closePeriod(first), closePeriod(second)]);
    first.anchorer.destroy();
    second.anchorer.destroy();
    expect(results.filter((r) => r.period).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.superseded).length).toBeGreaterThanOrEqual(1);
    const { Items = [] } = await clients().dynamodb.send(new QueryCommand({
      TableName: stack().tableName, KeyConditionExpression: 'pk = :pk AND sk > :head',
      ExpressionAttributeValues: { ':pk': { S: 'AUDIT_PERIODS' }, ':head': { S: '#HEAD' } }, ConsistentRead: true,
    }));
    const previousIds = Items.map((item) => JSON.parse(item.digest!.S!).previous_period_id as string | null);
    expect(new Set(previousIds).size, 'two periods name the same previous period').toBe(previousIds.length);
    const latest = await readLatestPeriod(reader());
    const { Item: head } = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: { pk: { S: 'AUDIT_PERIODS' }, sk: { S: '#HEAD' } }, ConsistentRead: true }));
    expect(head?.periodId?.S).toBe(latest?.digest.period_id);
  });

  describe('a closed period', () => {
    let merchantId: string;
    let records: StoredRecord[];
    beforeAll(async () => {
      merchantId = await merchantWithHistory();
      records = await merchantLog(merchantId);
      const deps = auditDeps();
      // Another file's close (the audit-anchor sample in events/) may run at the same moment and take
      // the records first, so close until periods cover all ten; then the anchors need their blocks.
      await waitFor('closed periods to cover all ten records', async () => {
        await closePeriod(deps);
        const digests = await readMerchantDigests(reader(), merchantId);
        const covered = [...byLane(records)].every(([lane, chain]) => Math.max(0, ...digests.filter((d) => d.lane === lane).map((d) => d.last_seq)) === chain.length);
        return covered || undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      deps.anchorer.destroy();
      await waitFor('the period anchors to be mined', async () => ((await verifyCli(merchantId)).report.anchors_pending.length === 0) || undefined, { timeoutMs: 30_000, intervalMs: 500 });
    });

    it('is signed by the KMS key and anchored on the local chain, and verify checks both', async () => {
      const { Items = [] } = await clients().dynamodb.send(new QueryCommand({
        TableName: stack().tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
        ExpressionAttributeValues: { ':pk': { S: auditPartition(merchantId) }, ':d': { S: 'DIGEST#' } },
      }));
      // One digest per lane per period that covered it.
      const lanesByPeriod = Items.map((item) => JSON.parse(item.digest!.S!) as { period_id: string; lane: number });
      expect(new Set(lanesByPeriod.map((d) => d.lane))).toEqual(new Set(byLane(records).keys()));
      const periods = new Set(lanesByPeriod.map((d) => d.period_id)).size;
      const run = await verifyCli(merchantId);
      expect(run.code, run.stderr).toBe(0);
      expect(run.report).toMatchObject({ ok: true, records_checked: 10, periods_checked: periods, anchors_checked: periods, anchors_pending: [] });
    });

    it('gives an inclusion proof that a few lines of node:crypto check against the anchored root', async () => {
      const captured = records.find((r) => r.body.action === 'payment.captured')!.body;
      const run = await lanepay('audit', 'proof', '--record', recordId(merchantId, captured.lane, captured.seq));
      expect(run.code, run.stderr).toBe(0);
      const proof = JSON.parse(run.stdout);

      // The third party's check: SHA-256, RFC 6962 paths, ECDSA verify, and the chain's own transaction.
      const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
      const climb = (leaf: Buffer, index: number, size: number, path: string[]) => {
        let [fn, sn, r] = [index, size - 1, leaf];
        for (const hex of path) {
          const p = Buffer.from(hex, 'hex');
          if (fn % 2 === 1 || fn === sn) {
            r = sha(Buffer.from([1]), p, r);
            while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn >> 1, sn >> 1];
          } else r = sha(Buffer.from([1]), r, p);
          [fn, sn] = [fn >> 1, sn >> 1];
        }
        return r.toString('hex');
      };
      expect(sha(Buffer.from(proof.record.canonical_json)).toString('hex')).toBe(proof.record.hash);
      expect(JSON.parse(proof.record.canonical_json)).toMatchObject({ merchant_id: merchantId, lane: captured.lane, seq: captured.seq, action: 'payment.captured' });
      const recordLeaf = sha(Buffer.from([0]), Buffer.from(proof.record.hash, 'hex'));
      expect(climb(recordLeaf, proof.lane_tree.leaf_index, proof.lane_tree.size, proof.lane_tree.path)).toBe(proof.lane_tree.root);
      expect(JSON.parse(proof.period_tree.leaf_json)).toMatchObject({ merchant_id: merchantId, lane: captured.lane, root: proof.lane_tree.root });
      const periodLeaf = sha(Buffer.from([0]), Buffer.from(proof.period_tree.leaf_json));
      expect(climb(periodLeaf, proof.period_tree.leaf_index, proof.period_tree.size, proof.period_tree.path)).toBe(proof.period_tree.root);
      expect(JSON.parse(proof.period.digest_json).root).toBe(proof.period_tree.root);
      expect(verify('sha256', Buffer.from(proof.period.digest_json), createPublicKey(proof.period.public_key_pem), Buffer.from(proof.period.signature_der_base64, 'base64'))).toBe(true);
      const tx = await (await fetch(stack().chains[0]!.rpcUrl, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getTransactionByHash', params: [proof.anchor.tx_hash] }),
      })).json() as { result: { input: string; from: string; blockNumber: string | null } };
      expect(tx.result.input).toBe(`0x${Buffer.from('LANEPAY-AUDIT1').toString('hex')}${proof.period_tree.root}`);
      expect(tx.result.from.toLowerCase()).toBe(proof.anchor.from.toLowerCase());
      expect(tx.result.blockNumber).not.toBeNull();
    });

    it('exposes records rewritten with every hash recomputed, by the signed root', async () => {
      // A forger with write access rewrites the cancel's record and re-chains its lane after it, head included.
      const canceled = records.find((r) => r.body.action === 'payment.canceled')!.body;
      const chain = byLane(records).get(canceled.lane)!;
      const { sealRecord, recordItem: toItem } = await import('../../../lib/audit/record.js');
      let prev = canceled.prev_hash;
      for (const stored of chain.filter((r) => r.body.seq >= canceled.seq)) {
        const body = { ...stored.body, prev_hash: prev, ...(stored.body.seq === canceled.seq ? { action: 'payment.captured' } : {}) };
        const sealed = sealRecord(body);
        await putItem(toItem(sealed));
        prev = sealed.hash;
      }
      await putItem({ ...auditHeadKey(merchantId, canceled.lane), entity: { S: 'audit-head' }, seq: { N: String(chain.length) }, hash: { S: prev } });
      const covering = (await readMerchantDigests(reader(), merchantId)).find((d) => d.lane === canceled.lane && d.first_seq <= canceled.seq && canceled.seq <= d.last_seq)!;
      const run = await verifyCli(merchantId);
      expect(run.code).toBe(1);
      expect(run.report.broken).toMatchObject({ kind: 'period', lane: canceled.lane, seq: covering.first_seq });
      expect(run.stderr).toContain('does not hold');
    });
  });
});
