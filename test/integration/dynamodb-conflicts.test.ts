import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { isTransactionConflict, retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { ContentionError } from '#lib/platform/errors/index.js';
import { countConflicts, setConflictRate } from '../support/contention.js';
import { isolatedTable } from '../support/isolated.js';
import { localCredentials, stack } from '../support/stack.js';

// The emulator (scripts/stack/assets/moto_serial.py) cancels writes that would have overlapped on
// DynamoDB, as DynamoDB does; these tests pin that behaviour and the client's answer to it.

function rawClient(): DynamoDBClient {
  const info = stack();
  return new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb, maxAttempts: 1 });
}

function increment(pk: string, tableName = stack().tableName): TransactWriteItemsCommand {
  return new TransactWriteItemsCommand({
    TransactItems: [
      {
        Update: {
          TableName: tableName,
          Key: { pk: { S: pk }, sk: { S: 'COUNTER' } },
          UpdateExpression: 'ADD #n :one',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':one': { N: '1' } },
        },
      },
      { Put: { TableName: tableName, Item: { pk: { S: `${pk}#${randomUUID()}` }, sk: { S: 'MARK' } } } },
    ],
  });
}

async function counterValue(client: DynamoDBClient, pk: string): Promise<number> {
  const item = await client.send(new GetItemCommand({ TableName: stack().tableName, Key: { pk: { S: pk }, sk: { S: 'COUNTER' } }, ConsistentRead: true }));
  return Number(item.Item?.n?.N ?? '0');
}

describe('DynamoDB emulator transaction conflicts', () => {
  it('cancels concurrent transactions on one item with TransactionConflict and applies only the ones that committed', async () => {
    const client = rawClient();
    const pk = `TEST#conflict#${randomUUID()}`;
    let committed = 0;
    const refusals: unknown[] = [];

    // Overlap is judged from arrival times, so a busy machine may need a few bursts to show one.
    for (let burst = 0; burst < 10 && refusals.length === 0; burst += 1) {
      const settled = await Promise.allSettled(Array.from({ length: 10 }, () => client.send(increment(pk))));
      committed += settled.filter((s) => s.status === 'fulfilled').length;
      refusals.push(...settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason));
    }

    expect(refusals.length).toBeGreaterThanOrEqual(1);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(TransactionCanceledException);
      expect((refusal as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toContain('TransactionConflict');
    }
    expect(await counterValue(client, pk)).toBe(committed);
  });

  it('never cancels a caller that waits for each answer before its next transaction', async () => {
    const client = rawClient();
    const pk = `TEST#sequential#${randomUUID()}`;

    for (let i = 0; i < 30; i += 1) await client.send(increment(pk));

    expect(await counterValue(client, pk)).toBe(30);
  });

  it('refuses one of a transaction and a single write that reach one item together, never both', async () => {
    const client = rawClient();
    const failures: unknown[] = [];

    for (let attempt = 0; attempt < 20 && failures.length === 0; attempt += 1) {
      const pk = `TEST#single#${randomUUID()}`;
      const put = new PutItemCommand({ TableName: stack().tableName, Item: { pk: { S: pk }, sk: { S: 'COUNTER' }, n: { N: '100' } } });
      const both = await Promise.allSettled([client.send(increment(pk)), client.send(put)]);
      const refused = both.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason);
      expect(refused.length).toBeLessThanOrEqual(1);
      failures.push(...refused);
    }

    expect(failures).toHaveLength(1);
    expect(failures[0] instanceof TransactionConflictException || failures[0] instanceof TransactionCanceledException).toBe(true);
    expect(isTransactionConflict(failures[0])).toBe(true);
  });

  it('cancels every transaction on a table whose conflict rate is 1, and none on the others', async () => {
    const client = rawClient();
    const ownTable = await isolatedTable();
    await setConflictRate(stack().endpoints.dynamodb, ownTable, 1);
    const onOwnTable = new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: ownTable, Item: { pk: { S: 'A' }, sk: { S: 'B' } } } }] });

    const refused = await client.send(onOwnTable).then(() => undefined, (error: unknown) => error);
    await client.send(increment(`TEST#other-table#${randomUUID()}`));

    expect(isTransactionConflict(refused)).toBe(true);
  });

  it('retries conflicted writes on a client with retryTransactionConflicts until every one commits', async () => {
    const client = retryTransactionConflicts(rawClient());
    const conflicts = countConflicts(client);
    const pk = `TEST#retried#${randomUUID()}`;
    let sent = 0;

    // Overlap is judged from arrival times, so a busy machine may need a few bursts to show one.
    for (let burst = 0; burst < 10 && conflicts.count() === 0; burst += 1) {
      await Promise.all(Array.from({ length: 20 }, () => client.send(increment(pk))));
      sent += 20;
    }

    expect(conflicts.count()).toBeGreaterThan(0);
    expect(await counterValue(client, pk)).toBe(sent);
  });

  it('gives up with a ContentionError after retrying for its budget, not a cancellation a caller could read as a failed condition', async () => {
    const client = retryTransactionConflicts(rawClient(), { budgetMs: 300, baseDelayMs: 1, maxDelayMs: 1 });
    const conflicts = countConflicts(client);
    // A table whose every write conflicts, so giving up does not hang on the machine's timing.
    const ownTable = await isolatedTable();
    await setConflictRate(stack().endpoints.dynamodb, ownTable, 1);
    // The clock moves 100 ms per attempt and only then (Date only; timers and I/O are real): the
    // 300 ms budget is three attempts however long the emulator takes to answer on a busy machine.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    client.middlewareStack.add(
      (next) => async (args) => next(args).finally(() => vi.setSystemTime(Date.now() + 100)),
      { step: 'build', name: 'testClockPerAttempt' },
    );

    const refused = await client.send(increment(`TEST#exhausted#${randomUUID()}`, ownTable)).then(() => undefined, (error: unknown) => error).finally(() => vi.useRealTimers());

    expect(refused).toBeInstanceOf(ContentionError);
    expect(isTransactionConflict(refused)).toBe(false);
    expect(conflicts.count()).toBe(3);
  });
});
