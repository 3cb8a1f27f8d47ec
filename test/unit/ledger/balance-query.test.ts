import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { listBalanceTransactions } from '#lib/ledger/balance-query.js';
import { balanceTransactionsQuerySchema } from '#lib/ledger/balance-schemas.js';
import { balanceTransactionId, balanceTransactionIdBound } from '#lib/ledger/balance-transactions.js';

/** A client that records each Query and answers the pages given, in turn. */
function pagedClient(pages: { items: Record<string, AttributeValue>[]; more: boolean }[]) {
  const inputs: QueryCommandInput[] = [];
  const client = {
    async send(command: unknown) {
      if (!(command instanceof QueryCommand)) throw new Error('unexpected command');
      inputs.push(command.input);
      const page = pages[inputs.length - 1] ?? { items: [], more: false };
      return { Items: page.items, ...(page.more ? { LastEvaluatedKey: { pk: { S: 'p' }, sk: { S: 'k' } } } : {}) };
    },
  };
  return { deps: { dynamodb: client as unknown as DynamoDBClient, tableName: 't' }, inputs };
}

const entry = (seq: number) => {
  const id = balanceTransactionId(Date.UTC(2026, 11, 7), seq, 'USDC');
  return {
    id: { S: id }, type: { S: 'payment' }, amount: { N: '-5' }, fee: { N: '0' }, net: { N: '-5' }, asset: { S: 'USDC' },
    source: { S: `pay_${seq}` }, balanceAfter: { N: String(100 - 5 * seq) }, created: { S: '2026-12-07T00:00:00.000Z' },
  };
};
const query = (raw: Record<string, string>) => balanceTransactionsQuerySchema.parse(raw);

describe('listBalanceTransactions', () => {
  it('bounds the sort key by created and the cursor, the tighter upper bound winning, and leaves the cursor out without filtering on a key', async () => {
    const cursorEntry = { ...entry(3), sk: entry(3).id };
    const { deps, inputs } = pagedClient([{ items: [cursorEntry, { ...entry(2), sk: entry(2).id }], more: false }]);
    const cursor = entry(3).id.S;
    const page = await listBalanceTransactions(deps, 'mer_1', query({ starting_after: cursor, 'created[lt]': '2026-12-09T00:00:00Z', 'created[gte]': '2026-12-01T00:00:00Z' }));
    expect(inputs[0]).toMatchObject({
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':p': { S: 'BALTXN#mer_1' }, ':lo': { S: balanceTransactionIdBound(Date.UTC(2026, 11, 1)) }, ':hi': { S: cursor } },
      ScanIndexForward: false,
    });
    // DynamoDB refuses a filter naming a key attribute: BETWEEN's inclusive upper end is dropped after the read.
    expect(inputs[0]!.FilterExpression).toBeUndefined();
    expect(page.data.map((t) => t.source)).toEqual(['pay_2']);
  });

  it('reads every id for a lower bound before 1970, and nothing for an upper one, with no error', async () => {
    const { deps, inputs } = pagedClient([]);
    await listBalanceTransactions(deps, 'mer_1', query({ 'created[gte]': '0000-01-01T00:00:00Z' }));
    expect(inputs[0]).toMatchObject({ KeyConditionExpression: 'pk = :p AND sk >= :lo', ExpressionAttributeValues: { ':lo': { S: 'txn_0000000000' } } });
    const empty = await listBalanceTransactions(deps, 'mer_1', query({ 'created[lt]': '1969-07-20T20:17:40Z', 'created[gte]': '1969-01-01T00:00:00Z' }));
    expect(empty).toEqual({ object: 'list', data: [], has_more: false });
    expect(inputs).toHaveLength(1);
  });

  it('reads one source\'s gsi1 partition, and reads on past filtered pages until one more than asked matched', async () => {
    const { deps, inputs } = pagedClient([{ items: [entry(1)], more: true }, { items: [], more: true }, { items: [entry(2), entry(3)], more: true }]);
    const page = await listBalanceTransactions(deps, 'mer_1', query({ limit: '2', type: 'payment', source: 'pay_9' }));
    expect(inputs).toHaveLength(3);
    expect(inputs[0]).toMatchObject({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', FilterExpression: '#type = :type', ExpressionAttributeValues: { ':p': { S: 'BALTXN#mer_1#pay_9' } } });
    expect(page.has_more).toBe(true);
    expect(page.data.map((t) => t.source)).toEqual(['pay_1', 'pay_2']);
    expect(page.data[0]).toMatchObject({ object: 'balance_transaction', chain: null, tx_hash: null, balance_after: '95' });
  });
});
