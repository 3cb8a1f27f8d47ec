import { GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { operatorActor, writeAudited } from '#lib/audit/index.js';
import type { AuditRecordBody } from '#lib/audit/record.js';
import { ContentionError } from '#lib/platform/errors/index.js';

/**
 * A table on which another container commits on the writer's lane just before each of its sends
 * lands: the head has always moved. The emulator cannot keep that up for six seconds on cue, so this
 * stands in for DynamoDB's answers (test/integration/audit/writer.test.ts races real writers).
 */
function everMovingTable() {
  const heads = new Map<number, number>();
  const sent: { lane: number; seq: number; atMs: number }[] = [];
  const headItem = (seq: number) => ({ seq: { N: String(seq) }, hash: { S: String(seq).padStart(64, 'f') } });
  const client = {
    async send(command: unknown) {
      if (command instanceof GetItemCommand) {
        const lane = Number(command.input.Key!.pk!.S!.split('#').at(-1));
        return { Item: headItem(heads.get(lane) ?? 0) };
      }
      if (!(command instanceof TransactWriteItemsCommand)) throw new Error('unexpected command');
      const items = command.input.TransactItems!;
      const body = JSON.parse(items[1]!.Put!.Item!.body!.S!) as AuditRecordBody;
      sent.push({ lane: body.lane, seq: body.seq, atMs: Date.now() });
      const moved = Math.max(heads.get(body.lane) ?? 0, body.seq - 1) + 1;
      heads.set(body.lane, moved);
      throw new TransactionCanceledException({
        message: 'Transaction cancelled', $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'ConditionalCheckFailed', Item: headItem(moved) }],
      });
    },
  };
  return { dynamodb: client as unknown as DynamoDBClient, sent, heads };
}

const change = (merchantId: string) => ({
  items: [{ Put: { TableName: 't', Item: { pk: { S: 'TEST#mark' }, sk: { S: 'MARK' } } } }],
  audit: { merchantId, actor: operatorActor, action: 'test.marked', object: { type: 'test', id: 'x' }, at: new Date() },
});

describe('the audit writer on a head that keeps moving', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rebuilds at once on the returned head, then moves lanes after each further loss, and gives up with ContentionError after 6 s', async () => {
    vi.useFakeTimers();
    const table = everMovingTable();
    const startedMs = Date.now();

    const outcome = writeAudited({ dynamodb: table.dynamodb, tableName: 't' }, change('mer_moving')).then(() => undefined, (error: unknown) => error);
    await vi.runAllTimersAsync();
    const refused = await outcome;

    expect(refused).toBeInstanceOf(ContentionError);
    expect((refused as ContentionError).retryAfterSeconds).toBe(1);
    const [first, second, third] = table.sent;
    // The first rebuild: same lane, on the head the cancellation carried, no wait.
    expect(second).toEqual({ lane: first!.lane, seq: first!.seq + 1, atMs: first!.atMs });
    // The second loss: another lane, on the head read there.
    expect(third!.lane).not.toBe(second!.lane);
    expect(third!.seq).toBe(1);
    // Every send came before the budget ran out; the loss that ended it came after.
    const lastMs = table.sent.at(-1)!.atMs - startedMs;
    expect(lastMs).toBeGreaterThanOrEqual(6_000);
    expect(lastMs).toBeLessThan(6_000 + 400);
    expect(table.sent.filter((s) => s.atMs - startedMs >= 6_000)).toHaveLength(1);
  });
});

describe('the audit writer with items built on remembered state', () => {
  it('sends the items the state rebuilt after a cancellation it owns, tells it what committed, and throws a cancellation it does not own as given', async () => {
    const sends: string[][] = [];
    let refuseFirst = true;
    const client = {
      async send(command: unknown) {
        if (!(command instanceof TransactWriteItemsCommand)) throw new Error('unexpected command');
        const items = command.input.TransactItems!;
        sends.push(items.slice(0, 1).map((i) => i.Put!.Item!.sk!.S!));
        if (refuseFirst) {
          refuseFirst = false;
          throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: { pk: { S: 'TEST#mark' } } }, { Code: 'None' }, { Code: 'None' }] });
        }
        return {};
      },
    } as unknown as DynamoDBClient;
    const committed: string[] = [];
    const rebuilt = { Put: { TableName: 't', Item: { pk: { S: 'TEST#mark' }, sk: { S: 'REBUILT' } } } };
    await writeAudited({ dynamodb: client, tableName: 't' }, {
      ...change('mer_state'),
      state: { rebuild: async () => [rebuilt], committed: (items) => committed.push(...items.map((i) => i.Put!.Item!.sk!.S!)) },
    });
    expect(sends).toEqual([['MARK'], ['REBUILT']]);
    expect(committed).toEqual(['REBUILT']);

    refuseFirst = true;
    const refusal = await writeAudited({ dynamodb: client, tableName: 't' }, {
      ...change('mer_state_refused'),
      state: { rebuild: async () => undefined, committed: () => committed.push('never') },
    }).then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(TransactionCanceledException);
    expect(committed).toEqual(['REBUILT']);
  });
});
