import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDeps } from '#lib/audit/deps.js';
import { evmAnchorer } from '#lib/audit/evm-anchor.js';
import { closePeriod } from '#lib/audit/period.js';
import { readMerchantDigests, readMerchantLog } from '#lib/audit/reads.js';
import { auditHeadKey, auditLanePartition, auditPartition, auditRegistryKey, recordItem, recordSortKey, sealRecord, type StoredRecord } from '#lib/audit/record.js';
import { createApiKey, revokeApiKey } from '#lib/merchants/merchants.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { chainRegistry, clients, fundedMerchant, merchantDeps, paymentDeps } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

// Issue 19, the audit log: an insider with write access to the table (an operator's credentials,
// a writer role) edits it straight, then runs `audit verify`. Each attack must be named, exit 1.

let cli: ReturnType<typeof cliAgainstTestStack>;
const table = () => stack().tableName;

function auditDeps(): AuditDeps {
  const { dynamodb, kms } = clients();
  return {
    dynamodb, kms, tableName: table(), signingKeyId: stack().keys.AuditSigningKey!,
    anchorer: evmAnchorer(kms, chainRegistry().chains[0]!, stack().keys.AuditAnchorKey!), now: () => new Date(),
  };
}

/** A merchant with audited changes (created, credited, three payments, a key created and revoked), all in closed periods. */
async function merchantWithClosedLog(): Promise<{ merchantId: string; lane: StoredRecord[] }> {
  const merchant = await fundedMerchant(50_000_000n);
  const deps = paymentDeps();
  for (let i = 0; i < 3; i += 1) {
    await authorizePayment(deps, {
      merchant: merchant.profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
      body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: '0x000000000000000000000000000000000000dEaD', capture: 'manual', metadata: {} },
    });
  }
  const key = await createApiKey(merchantDeps(), merchant.merchant_id);
  await revokeApiKey(merchantDeps(), key.key_id);
  const reader = { dynamodb: clients().dynamodb, tableName: table() };
  const records = await readMerchantLog(reader, merchant.merchant_id);
  const close = auditDeps();
  try {
    // Another file's close may run at the same moment and take the records first: close until periods cover them all.
    await waitFor('closed periods to cover the merchant\'s records', async () => {
      await closePeriod(close);
      const digests = await readMerchantDigests(reader, merchant.merchant_id);
      return records.every((r) => digests.some((d) => d.lane === r.body.lane && d.first_seq <= r.body.seq && r.body.seq <= d.last_seq)) || undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
  } finally {
    close.anchorer.destroy();
  }
  const lanes = new Map<number, StoredRecord[]>();
  for (const r of records) lanes.set(r.body.lane, [...(lanes.get(r.body.lane) ?? []), r]);
  const busiest = [...lanes.values()].sort((a, b) => b.length - a.length)[0]!.sort((a, b) => a.body.seq - b.body.seq);
  return { merchantId: merchant.merchant_id, lane: busiest };
}

async function digestKeys(merchantId: string, lane: number): Promise<Record<string, AttributeValue>[]> {
  const digests = await readMerchantDigests({ dynamodb: clients().dynamodb, tableName: table() }, merchantId);
  return digests.filter((d) => d.lane === lane).map((d) => ({ pk: { S: auditPartition(merchantId) }, sk: { S: `DIGEST#${d.period_id}#${String(lane).padStart(2, '0')}` } }));
}

async function verify(merchantId: string) {
  const run = await cli.run(['audit', 'verify', '--merchant', merchantId]);
  let report: any;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    report = undefined;
  }
  return { ...run, report };
}

describe('audit log tampering by an insider with table access', () => {
  beforeAll(() => {
    cli = cliAgainstTestStack();
  });
  afterAll(() => cli.cleanup());

  it('deletes a closed lane whole (records, head, registry entry, digests): verify names the lane removed', async () => {
    const { merchantId, lane } = await merchantWithClosedLog();
    const laneNo = lane[0]!.body.lane;
    const keys = [
      ...lane.map((r) => ({ pk: { S: auditLanePartition(merchantId, laneNo) }, sk: { S: r.sk } })),
      auditHeadKey(merchantId, laneNo), auditRegistryKey(merchantId, laneNo), ...(await digestKeys(merchantId, laneNo)),
    ];
    for (const Key of keys) await clients().dynamodb.send(new DeleteItemCommand({ TableName: table(), Key }));
    const run = await verify(merchantId);
    expect(run.code, run.stderr).toBe(1);
    expect(run.report.broken).toMatchObject({ kind: 'removed', lane: laneNo, seq: 1 });
  });

  it('rewrites a closed record, re-hashes the chain after it and deletes the lane\'s digests: verify names the period that no longer holds', async () => {
    const { merchantId, lane } = await merchantWithClosedLog();
    const target = lane[0]!.body;
    let prev = target.prev_hash;
    for (const stored of lane) {
      const sealed = sealRecord({ ...stored.body, prev_hash: prev, ...(stored.body.seq === target.seq ? { action: 'payment.canceled' } : {}) });
      await clients().dynamodb.send(new PutItemCommand({ TableName: table(), Item: recordItem(sealed) }));
      prev = sealed.hash;
    }
    await clients().dynamodb.send(new UpdateItemCommand({ TableName: table(), Key: auditHeadKey(merchantId, target.lane), UpdateExpression: 'SET #h = :h', ExpressionAttributeNames: { '#h': 'hash' }, ExpressionAttributeValues: { ':h': { S: prev } } }));
    for (const Key of await digestKeys(merchantId, target.lane)) await clients().dynamodb.send(new DeleteItemCommand({ TableName: table(), Key }));
    const run = await verify(merchantId);
    expect(run.code, run.stderr).toBe(1);
    expect(run.report.broken).toMatchObject({ kind: 'period', lane: target.lane });
    expect(run.stderr).toContain('does not hold');
  });

  it('deletes closed records and moves the head back: verify names the first missing record, without crashing', async () => {
    const { merchantId, lane } = await merchantWithClosedLog();
    expect(lane.length, 'a lane with two records or more').toBeGreaterThanOrEqual(2);
    const keep = lane.length - 1;
    const { lane: laneNo } = lane[0]!.body;
    await clients().dynamodb.send(new DeleteItemCommand({ TableName: table(), Key: { pk: { S: auditLanePartition(merchantId, laneNo) }, sk: { S: recordSortKey(lane.length) } } }));
    await clients().dynamodb.send(new PutItemCommand({ TableName: table(), Item: { ...auditHeadKey(merchantId, laneNo), entity: { S: 'audit-head' }, seq: { N: String(keep) }, hash: { S: lane[keep - 1]!.hash } } }));
    const run = await verify(merchantId);
    expect(run.code, run.stderr).toBe(1);
    expect(run.report.broken).toMatchObject({ kind: 'removed', lane: laneNo, seq: lane.length });
  });

  it('edits the `at` attribute beside a closed record\'s body: verify names the record changed', async () => {
    const { merchantId, lane } = await merchantWithClosedLog();
    const { lane: laneNo, seq } = lane[0]!.body;
    const Key = { pk: { S: auditLanePartition(merchantId, laneNo) }, sk: { S: recordSortKey(seq) } };
    const { Item } = await clients().dynamodb.send(new GetItemCommand({ TableName: table(), Key, ConsistentRead: true })) as { Item: Record<string, AttributeValue> };
    await clients().dynamodb.send(new PutItemCommand({ TableName: table(), Item: { ...Item!, at: { S: '2020-01-01T00:00:00.000Z' } } }));
    const run = await verify(merchantId);
    expect(run.code, run.stderr).toBe(1);
    expect(run.report.broken).toMatchObject({ kind: 'changed', lane: laneNo, seq });
  });
});
