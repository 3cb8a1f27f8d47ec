import { DeleteItemCommand, DynamoDBServiceException, GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chargeItem, chargeKey, cursorKey, setAsideKey } from '#lib/money/charges/items.js';
import { readChargeRecord } from '#lib/money/charges/query.js';
import { watchChain } from '#lib/money/charges/watch.js';
import { platformEventSchema } from '#lib/money/payouts/platform-events.js';
import { chainByName } from '../../support/chain.js';
import { clients } from '../../support/deps.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { payerOn, payInWorld } from '../../support/pay-ins.js';
import { stack } from '../../support/stack.js';
import { localFunctionEnvironments } from '../../../scripts/invoke/environment.js';

const chainName = 'local-b';
/** DynamoDB's item size limit. */
const maxItemBytes = 400 * 1024;

/** An item's size as DynamoDB counts it: attribute names plus values (numbers counted as their digits, a close upper bound). */
function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value.S ?? value.N ?? ''), 0);
}

describe('a log the watcher cannot book', () => {
  it('is set aside with a deposit.set_aside platform event, once, and the cursor moves on: the other payments in the same blocks are credited', async () => {
    const { dynamodb } = clients();
    const world = await payInWorld({ feeBps: 0 });
    const on = { chains: [chainName], amount: '1000000' };
    const [tooBig, gone, normal] = [await world.open(on), await world.open(on), await world.open(on)];
    await watchChain(world.watch, chainName); // the cursor starts below the payments

    // Injected on the real emulator: one charge's item is padded to a few hundred bytes under the
    // item size limit, so booking a deposit to it fails with the ValidationException a charge item
    // past 400 KB gets; another charge's item is gone, so its deposit names no charge.
    const record = (await readChargeRecord(world.charges, tooBig.id))!;
    const unpadded = itemBytes(chargeItem(record));
    // The emulator's limit sits a little under AWS's: pad down from 400 KB until the item is taken,
    // so it ends within 100 bytes of the limit and a deposit (a few hundred bytes more) is refused.
    for (let slack = 100; ; slack += 100) {
      const padded = { ...record, charge: { ...record.charge, metadata: { padding: 'x'.repeat(maxItemBytes - unpadded - slack) } } };
      try {
        await dynamodb.send(new PutItemCommand({ TableName: world.tableName, Item: chargeItem(padded) }));
        break;
      } catch (error) {
        if (!(error instanceof DynamoDBServiceException && error.name === 'ValidationException') || slack > 20_000) throw error;
      }
    }
    await dynamodb.send(new DeleteItemCommand({ TableName: world.tableName, Key: chargeKey(gone.id) }));

    const payer = await payerOn(chainByName(chainName));
    const sent = await Promise.all([tooBig, gone, normal].map((c) => payer.send(c.addresses[0]!.deposit_address, 1_000_000n)));
    const receipts = await Promise.all(sent.map(async (tx) => (await tx.wait())!));
    const lastBlock = Math.max(...receipts.map((r) => r.blockNumber));

    await world.watchUntil('the normal charge credited', [chainName], async () => {
      const c = await world.charge(normal.id);
      return c.status === 'succeeded' ? c : undefined;
    });
    await watchChain(world.watch, chainName); // another pass over the same blocks raises nothing new

    const cursor = (await dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: cursorKey(chainName), ConsistentRead: true }))).Item!;
    expect(Number(cursor.nextBlock!.N)).toBeGreaterThan(lastBlock);
    const events = (await dynamodb.send(new QueryCommand({
      TableName: world.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } },
    }))).Items!.map((item) => platformEventSchema.parse(JSON.parse(item.body!.S!)));
    expect(events.map((e) => [e.type, e.data.object.charge]).sort()).toEqual([['deposit.set_aside', gone.id], ['deposit.set_aside', tooBig.id]].sort());
    const [tooBigEvent, goneEvent] = [tooBig, gone].map((c) => events.find((e) => e.data.object.charge === c.id)!);
    expect(tooBigEvent!.data.object).toMatchObject({ chain: chainName, amount: '1000000', deposit_address: tooBig.addresses[0]!.deposit_address.toLowerCase() });
    expect(tooBigEvent!.data.object.reason).toMatch(/ValidationException.*size/i);
    expect(goneEvent!.data.object.reason).toMatch(/names charge .* which does not exist/);
    const receipt = receipts[0]!;
    const log = receipt.logs.find((l) => l.topics[2]?.toLowerCase().endsWith(tooBig.addresses[0]!.deposit_address.slice(2).toLowerCase()))!;
    const setAside = await dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: setAsideKey(chainName, `${receipt.hash}#${log.index}`), ConsistentRead: true }));
    expect(JSON.parse(setAside.Item!.object!.S!)).toMatchObject({ charge: tooBig.id, tx_hash: receipt.hash.toLowerCase(), log_index: String(log.index) });

    expect(await world.charge(tooBig.id)).toMatchObject({ status: 'awaiting_payment', deposit_count: 0, amount_pending: '0' });
    expect(await world.available()).toBe(1_000_000n);
    await expectLedgerBalanced(world.tableName);
  });
});

describe('the chain-watch function', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  /** The EMF records among what the function wrote to stdout. */
  function emfRecords(lines: string[]): any[] {
    return lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
  }

  it('emits the EMF metric DepositsSetAside, counting the log it set aside, which an alarm can watch', async () => {
    const { dynamodb } = clients();
    const world = await payInWorld({ feeBps: 0 });
    const gone = await world.open({ chains: [chainName], amount: '1000000' });
    await watchChain(world.watch, chainName); // the cursor starts below the payment
    // The charge's item is gone, so its deposit names no charge and is set aside.
    await dynamodb.send(new DeleteItemCommand({ TableName: world.tableName, Key: chargeKey(gone.id) }));
    const payer = await payerOn(chainByName(chainName));
    await payer.pay(gone.addresses[0]!.deposit_address, 1_000_000n);

    // The function as a container loads it, with its local environment, on this test's own table
    // (the stack's chain-watch never sees it); metrics on, as on AWS.
    const environment = (await localFunctionEnvironments(stack())).of('chain-watch');
    for (const [name, value] of Object.entries({ ...environment, TABLE_NAME: world.tableName, POWERTOOLS_DEV: 'false', POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT' })) {
      if (value !== undefined) vi.stubEnv(name, value);
    }
    vi.resetModules();
    const { handler } = await import('../../../functions/chain-watch/handler.js');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    await handler({ runSeconds: 1 }, { functionName: 'lanepay-local-chain-watch', awsRequestId: 'set-aside-metric' } as Context);
    vi.restoreAllMocks();

    const emf = emfRecords(lines);
    const declared = emf.flatMap((record) => record._aws.CloudWatchMetrics.flatMap((m: { Namespace: string; Metrics: { Name: string; Unit: string }[] }) => m.Metrics.map((metric) => ({ ...metric, namespace: m.Namespace }))));
    expect(declared).toContainEqual({ Name: 'DepositsSetAside', Unit: 'Count', namespace: 'Lanepay' });
    // One value per chain and pass (an array once several were added): the one log, counted once.
    const counted = emf.filter((record) => 'DepositsSetAside' in record).flatMap((record) => [record.DepositsSetAside].flat() as number[]);
    expect(counted.reduce((sum, n) => sum + n, 0)).toBe(1);
    const setAside = await dynamodb.send(new QueryCommand({
      TableName: world.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } },
    }));
    expect(setAside.Items!.map((item) => platformEventSchema.parse(JSON.parse(item.body!.S!)).type)).toEqual(['deposit.set_aside']);
  });
});
