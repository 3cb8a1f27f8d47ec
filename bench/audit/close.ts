import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { AuditDeps } from '#lib/audit/deps.js';
import { evmAnchorer } from '#lib/audit/evm-anchor.js';
import { closePeriod } from '#lib/audit/period.js';
import { readPeriodLeaves } from '#lib/audit/reads.js';
import { auditHeadKey, auditRegistryKey, genesisHash, recordItem, sealRecord } from '#lib/audit/record.js';
import { localCredentials } from '../../scripts/stack/provision.js';
import { localChainRegistry } from '../../scripts/stack/registry.js';
import type { StackInfo } from '../../scripts/stack/types.js';

/** Writes `lanes` lanes with one record each (record, head, registry entry), as writers leave them, 25 items a request. */
async function seedLanes(dynamodb: DynamoDBClient, tableName: string, prefix: string, lanes: number, at: Date) {
  const requests: WriteRequest[] = [];
  for (let i = 0; i < lanes; i += 1) {
    const merchantId = `mer_${prefix}${String(Math.floor(i / 16)).padStart(6, '0')}`;
    const lane = i % 16;
    const record = sealRecord({ merchant_id: merchantId, lane, seq: 1, at: at.toISOString(), actor: { type: 'system', id: null }, action: 'payment.authorized', object: { type: 'payment', id: `pay_${prefix}${i}` }, prev_hash: genesisHash });
    requests.push(
      { PutRequest: { Item: recordItem(record) } },
      { PutRequest: { Item: { ...auditHeadKey(merchantId, lane), entity: { S: 'audit-head' }, seq: { N: '1' }, hash: { S: record.hash } } } },
      { PutRequest: { Item: { ...auditRegistryKey(merchantId, lane), entity: { S: 'audit-chain' }, closedSeq: { N: '0' } } } },
    );
  }
  for (let start = 0; start < requests.length; start += 25 * 8) {
    await Promise.all(Array.from({ length: 8 }, async (_, k) => {
      let batch = requests.slice(start + k * 25, start + (k + 1) * 25);
      while (batch.length > 0) {
        const { UnprocessedItems } = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
        batch = UnprocessedItems?.[tableName] ?? [];
      }
    }));
  }
}

/**
 * Closes periods over `sizes` active lanes each (fresh lanes with one record, on top of the lanes
 * already closed), with calls as the audit-anchor function makes them: a deadline of the Lambda's
 * remaining time less its reserve, each call resuming the open period.
 */
export async function closeFigures(info: StackInfo, sizes: number[], invocationSeconds: number): Promise<Record<string, string | number>> {
  const aws = { region: info.region, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: info.endpoints.dynamodb, maxAttempts: 8 });
  const kms = new KMSClient({ ...aws, endpoint: info.endpoints.kms });
  const deps: AuditDeps = {
    dynamodb, kms, tableName: info.tableName, signingKeyId: info.keys.AuditSigningKey!,
    anchorer: evmAnchorer(kms, localChainRegistry(info.chains).chains[0]!, info.keys.AuditAnchorKey!), now: () => new Date(),
  };
  const figures: Record<string, string | number> = {};
  try {
    // Whatever the stack already holds goes into a period first, so each measured period covers exactly its lanes.
    while (!(await closePeriod(deps)).done);
    for (const [n, size] of sizes.entries()) {
      await seedLanes(dynamodb, info.tableName, `bench${n}x`, size, new Date(Date.now() - 1000));
      const started = Date.now();
      let invocations = 0;
      let slowestMs = 0;
      let period;
      for (;;) {
        const budgetMs = invocationSeconds * 1000;
        const callStart = Date.now();
        // As functions/audit-anchor/handler.ts: the remaining time less max(5 s, a fifth) for finishing and returning.
        const result = await closePeriod(deps, { deadlineMs: callStart + budgetMs - Math.max(5_000, budgetMs / 5) });
        invocations += 1;
        slowestMs = Math.max(slowestMs, Date.now() - callStart);
        if (result.done) {
          period = result.period;
          break;
        }
      }
      const wallMs = Date.now() - started;
      const leaves = period ? (await readPeriodLeaves(deps, period.digest.period_id)).length : 0;
      figures[`${size} active lanes: time to close`] = `${(wallMs / 1000).toFixed(1)} s`;
      figures[`${size} active lanes: invocations`] = invocations;
      figures[`${size} active lanes: slowest invocation`] = `${(slowestMs / 1000).toFixed(1)} s of ${invocationSeconds} s`;
      figures[`${size} active lanes: lanes in the signed period`] = `${period?.digest.size ?? 0} (${leaves} leaves stored)`;
    }
  } finally {
    deps.anchorer.destroy();
    dynamodb.destroy();
    kms.destroy();
  }
  return figures;
}
