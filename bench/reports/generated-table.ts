import { DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { balanceTransactionId, balanceTransactionPut, type BalanceTransactionType } from '#lib/ledger/balance-transactions.js';

/**
 * A DynamoDB client whose Query answers, page by page, a merchant's `rows` balance transactions
 * generated on the fly: the items balanceTransactionPut writes (the ledger's own builder), 1,000 a
 * page with a LastEvaluatedKey, as DynamoDB pages them. Nothing is kept: page n is made when asked,
 * so the bench measures the report's reading, decoding, encoding and writing, and its memory alone.
 * An SDK middleware answers before any request is sent (no emulator: moto serializes requests and
 * would hold a million items in memory itself).
 */
export function generatedBalanceTransactions(merchantId: string, rows: number, startMs: number): DynamoDBClient {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, endpoint: 'http://127.0.0.1:9' });
  client.middlewareStack.add(
    () => async (args) => {
      const input = args.input as QueryCommandInput;
      const from = input.ExclusiveStartKey ? seqOf(input.ExclusiveStartKey.sk!.S!) + 1 : 0;
      const to = Math.min(rows, from + (input.Limit ?? 1000));
      const items = [];
      for (let seq = from; seq < to; seq++) items.push(itemAt(merchantId, seq, startMs));
      const last = items.at(-1);
      return {
        output: { $metadata: {}, Items: items, Count: items.length, ScannedCount: items.length, ...(to < rows && last ? { LastEvaluatedKey: { pk: last.pk!, sk: last.sk! } } : {}) },
        response: {},
      } as never;
    },
    { step: 'initialize', name: 'benchGeneratedTable' },
  );
  return client;
}

const types: BalanceTransactionType[] = ['charge', 'payment', 'payout_fee', 'charge', 'top_up', 'refund'];

/** The seq-th movement: a mix of types, a movement every 30 ms, amounts of a few to a few thousand USDC. */
function itemAt(merchantId: string, seq: number, startMs: number) {
  const type = types[seq % types.length]!;
  const createdMs = startMs + seq * 30;
  const amountMinor = BigInt(1_000_000 + ((seq * 7919) % 5_000_000_000));
  const netMinor = type === 'charge' || type === 'top_up' ? amountMinor : -amountMinor;
  const put = balanceTransactionPut('bench', {
    merchantId, asset: 'USDC', netMinor, transferId: `trf_${seq}`,
    memo: { type, source: `pay_${String(seq).padStart(26, '0')}`, ...(type === 'top_up' ? {} : { chain: 'local-a', txHash: `0x${seq.toString(16).padStart(64, '0')}` }), feeMinor: type === 'charge' ? 2_500n : 0n },
  }, { id: balanceTransactionId(createdMs, seq + 1, 'USDC'), seq: seq + 1, balanceAfterMinor: 10n ** 15n + BigInt(seq), createdMs });
  return put.Put!.Item!;
}

/** The account sequence number in a balance transaction id (`txn_<time 10><seq 12><asset>`), zero-based here. */
function seqOf(id: string): number {
  return Number(id.slice(14, 26)) - 1;
}
