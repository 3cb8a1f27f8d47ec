import { TransactionCanceledException, type DynamoDBClient, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { operatorActor, writeAudited, type AuditEntry } from '../../../lib/audit/index.js';
import { forgetHeads } from '../../../lib/audit/heads.js';
import { readMerchantLog } from '../../../lib/audit/reads.js';
import { auditLaneCount, genesisHash, type StoredRecord } from '../../../lib/audit/record.js';
import { clients, fundedMerchant } from '../../support/deps.js';
import { stack } from '../../support/stack.js';

/** What one client sent: each TransactWriteItems as its sender sent it (above the conflict retry), and the cancellations it got back. */
function watchedClient(): { dynamodb: DynamoDBClient; sent: TransactWriteItemsCommandInput[]; cancelled: TransactionCanceledException[] } {
  const { dynamodb } = clients();
  const sent: TransactWriteItemsCommandInput[] = [];
  const cancelled: TransactionCanceledException[] = [];
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      sent.push(args.input as TransactWriteItemsCommandInput);
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof TransactionCanceledException) cancelled.push(error);
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'testWatchTransactions' },
  );
  return { dynamodb, sent, cancelled };
}

/** A change of the test's own (one marker item) and the record that says so. */
function change(merchantId: string, id = randomUUID(), condition?: string) {
  const entry: AuditEntry = { merchantId, actor: operatorActor, action: 'test.marked', object: { type: 'test', id }, at: new Date() };
  return {
    id,
    items: [{ Put: { TableName: stack().tableName, Item: { pk: { S: `TEST#writer#${id}` }, sk: { S: 'MARK' } }, ...(condition ? { ConditionExpression: condition } : {}) } }],
    audit: entry,
  };
}

const log = (merchantId: string) => readMerchantLog({ dynamodb: clients().dynamodb, tableName: stack().tableName }, merchantId);

function recordOf(records: StoredRecord[], id: string): StoredRecord {
  const record = records.find((r) => r.body.object.id === id);
  if (!record) throw new Error(`no audit record names ${id}`);
  return record;
}

describe('the audit writer (writeAudited)', () => {
  it('rebuilds the record of a writer that lost its lane\'s head to another, so both changes commit, one after the other on the lane', async () => {
    const { merchant_id: merchantId } = await fundedMerchant(0n);
    const tableName = stack().tableName;
    // Containers (a client each) write once until two have picked the same lane: at most one more than there are lanes.
    const byLane = new Map<number, ReturnType<typeof watchedClient>>();
    let shared: { lane: number; first: ReturnType<typeof watchedClient>; second: ReturnType<typeof watchedClient> } | undefined;
    for (let container = 0; container <= auditLaneCount && !shared; container += 1) {
      const client = watchedClient();
      const marked = change(merchantId);
      await writeAudited({ dynamodb: client.dynamodb, tableName }, marked);
      const { lane } = recordOf(await log(merchantId), marked.id).body;
      const other = byLane.get(lane);
      if (other) shared = { lane, first: other, second: client };
      else byLane.set(lane, client);
    }
    const { lane, first, second } = shared!;
    const before = (await log(merchantId)).filter((r) => r.body.lane === lane).length;
    const sentBefore = first.sent.length + second.sent.length;

    // Both build their record on the head they know (the same one), at once.
    const [a, b] = [change(merchantId), change(merchantId)];
    await Promise.all([writeAudited({ dynamodb: first.dynamodb, tableName }, a), writeAudited({ dynamodb: second.dynamodb, tableName }, b)]);

    const onLane = (await log(merchantId)).filter((r) => r.body.lane === lane).sort((x, y) => x.body.seq - y.body.seq);
    expect(onLane.map((r) => r.body.seq)).toEqual(Array.from({ length: before + 2 }, (_, i) => i + 1));
    onLane.forEach((r, i) => expect(r.body.prev_hash).toBe(i === 0 ? genesisHash : onLane[i - 1]!.hash));
    const [recordA, recordB] = [recordOf(onLane, a.id), recordOf(onLane, b.id)];
    expect([recordA.body.seq, recordB.body.seq].sort()).toEqual([before + 1, before + 2]);
    // The loser's rebuild is one more send of the same change, after one cancellation on the head alone.
    expect(first.sent.length + second.sent.length - sentBefore).toBe(3);
    const lost = [...first.cancelled, ...second.cancelled];
    expect(lost).toHaveLength(1);
    // The change's own item was fine; the record (its seq taken) and the head (moved) were not.
    expect(lost[0]!.CancellationReasons!.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed', 'ConditionalCheckFailed']);
  });

  it('learns a head it did not know from the cancellation, in one more send', async () => {
    const { merchant_id: merchantId } = await fundedMerchant(0n);
    const client = watchedClient();
    const tableName = stack().tableName;
    const [first, second] = [change(merchantId), change(merchantId)];
    await writeAudited({ dynamodb: client.dynamodb, tableName }, first);
    forgetHeads(); // a cold container meeting a lane it wrote before it started

    await writeAudited({ dynamodb: client.dynamodb, tableName }, second);

    const records = await log(merchantId);
    const lane = recordOf(records, first.id).body.lane;
    expect(recordOf(records, second.id).body).toMatchObject({ lane, seq: recordOf(records, first.id).body.seq + 1, prev_hash: recordOf(records, first.id).hash });
    expect(client.sent).toHaveLength(3);
    expect(client.cancelled).toHaveLength(1);
  });

  it('throws a refusal of the change\'s own condition as DynamoDB gave it, without rebuilding, even when the head moved too', async () => {
    const { merchant_id: merchantId } = await fundedMerchant(0n);
    const client = watchedClient();
    const tableName = stack().tableName;
    const first = change(merchantId);
    await writeAudited({ dynamodb: client.dynamodb, tableName }, first);
    forgetHeads(); // the record below extends a head that is no longer the lane's

    const again = change(merchantId, first.id, 'attribute_not_exists(pk)');
    const refused = await writeAudited({ dynamodb: client.dynamodb, tableName }, again).then(() => undefined, (error: unknown) => error);

    expect(refused).toBeInstanceOf(TransactionCanceledException);
    expect((refused as TransactionCanceledException).CancellationReasons![0]!.Code).toBe('ConditionalCheckFailed');
    expect(client.sent).toHaveLength(2);
    expect((await log(merchantId)).filter((r) => r.body.object.id === first.id)).toHaveLength(1);
  });
});
