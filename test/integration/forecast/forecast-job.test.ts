import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand as SqsAttributes, SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import type { ChainAdapter } from '#lib/chains/adapter.js';
import { paymentItem } from '#lib/money/payments/items.js';
import { beginRotation, completeRotation } from '#lib/money/payouts/hot-wallet.js';
import type { Payment } from '#lib/money/payments/schemas.js';
import { payoutItem } from '#lib/money/payouts/items.js';
import type { LanepayEvent } from '#lib/notify/events/schemas.js';
import { newId } from '#lib/platform/ids/index.js';
import { flowBucketKey, flowEventMarkerKey } from '#lib/treasury/flows/flow-items.js';
import { epochHour, recordFlowEvent } from '#lib/treasury/flows/index.js';
import { readForecasts, runForecastJob, walletPosition, type ForecastJobDeps, type ForecastRecord, type ForecastRun, type ForecastSignal } from '#lib/treasury/planning/index.js';
import { api } from '../../support/api.js';
import { chainRegistry, clients, fundedMerchant, someAddress, usdc } from '../../support/deps.js';
import { cliAgainstTestStack } from '../../support/cli.js';
import { fundAddress } from '../../../scripts/stack/chains.js';
import { isolatedTable, newHotWalletKey } from '../../support/isolated.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

function paymentObject(chain: string, amountMinor: bigint, status: Payment['status'], at = new Date()): Payment {
  return {
    id: newId('pay'), object: 'payment', status, amount: amountMinor.toString(), amount_captured: amountMinor.toString(),
    fee: '0', asset: 'USDC', chain, destination: someAddress(), capture: 'automatic', customer: null, description: null, metadata: {},
    created_at: at.toISOString(), expires_at: null, tx_hash: null, decline_code: null, failure_code: null,
  };
}

/** A booked payout on a chain name of its own, so no other flow lands in its buckets. */
function succeededEvent(chain: string, amountMinor: bigint, at = new Date()): LanepayEvent {
  return { id: newId('evt'), object: 'event', type: 'payment.succeeded', created_at: at.toISOString(), data: { object: paymentObject(chain, amountMinor, 'succeeded', at) } };
}

async function bucket(chain: string, at: Date) {
  const { Item } = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: flowBucketKey(chain, 'USDC', epochHour(at)), ConsistentRead: true }));
  return Item ? { payoutMinor: BigInt(Item.payoutMinor!.N!), payoutCount: Number(Item.payoutCount!.N!) } : undefined;
}

describe('hourly flow totals', () => {
  it('count a redelivered event once: the marker transaction refuses the second delivery', async () => {
    const chain = `flow-${randomUUID().slice(0, 8)}`;
    const event = succeededEvent(chain, usdc(25));
    const deps = { dynamodb: clients().dynamodb, tableName: stack().tableName };

    expect(await recordFlowEvent(deps, event)).toBe('counted');
    expect(await recordFlowEvent(deps, event)).toBe('duplicate');
    expect(await recordFlowEvent(deps, succeededEvent(chain, usdc(5)))).toBe('counted');

    expect(await bucket(chain, new Date(event.created_at))).toEqual({ payoutMinor: usdc(30), payoutCount: 2 });
  });

  it('count a message the queue delivers twice once, through the flow-totals function', async () => {
    const chain = `flow-${randomUUID().slice(0, 8)}`;
    const event = succeededEvent(chain, usdc(7));
    const queueUrl = stack().queues.FlowTotalsQueue!.url;
    const body = JSON.stringify(event);
    const attributes = { eventId: { DataType: 'String', StringValue: event.id }, eventType: { DataType: 'String', StringValue: event.type } };
    await clients().sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: attributes }));
    await clients().sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: attributes }));

    // Both copies consumed (none visible or in flight) and the bucket written: then it must hold one payout.
    await waitFor('both copies to be consumed', async () => {
      const { Attributes = {} } = await clients().sqs.send(new SqsAttributes({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      const pending = Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
      return pending === 0 && (await bucket(chain, new Date(event.created_at))) ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(await bucket(chain, new Date(event.created_at))).toEqual({ payoutMinor: usdc(7), payoutCount: 1 });
  });

  it('receive a real payout from the outbox relay once the ledger books it (payment.succeeded)', async () => {
    const merchant = await fundedMerchant(usdc(10));
    const created = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: usdc(2).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() } });
    expect(created.status).toBe(201);
    const succeeded = await waitFor('payment.succeeded', async () => {
      const events = await api('GET', '/v1/events', { key: merchant.api_key });
      return (events.body.data as LanepayEvent[]).find((e) => e.type === 'payment.succeeded');
    }, { timeoutMs: 60_000, intervalMs: 500 });

    const marker = await waitFor('the flow marker of the event', async () => {
      const { Item } = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: flowEventMarkerKey(succeeded.id), ConsistentRead: true }));
      return Item;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(marker.paymentId?.S).toBe(created.body.id);
  }, 120_000);
});

describe('wallet position', () => {
  it('subtracts the payouts in flight from the wallet (waiting, or signed at a nonce not yet mined), and only those in the asset', async () => {
    const chain = `flow-${randomUUID().slice(0, 8)}`;
    const { dynamodb } = clients();
    const tableName = stack().tableName;
    const put = async (amountMinor: bigint, status: 'pending' | 'waiting_liquidity' | 'succeeded', options: { asset?: string; wallet?: string; nonce?: number } = {}) => {
      const payment = { ...paymentObject(chain, amountMinor, 'processing'), asset: options.asset ?? 'USDC' };
      await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: paymentItem({ payment, merchantId: 'mer_00000000000000000000000000', version: 1 }) }));
      const payout = {
        paymentId: payment.id, merchantId: 'mer_00000000000000000000000000', chain, wallet: options.wallet ?? '0xAbC', status, attempts: [], version: 1, createdAtMs: Date.now(),
        ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
      };
      await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: payoutItem(payout) }));
    };
    await put(usdc(3), 'pending', { nonce: 12 });
    await put(usdc(4), 'waiting_liquidity', { wallet: '' });
    await put(usdc(50), 'succeeded', { nonce: 9 });
    await put(usdc(9), 'pending', { asset: 'EURC', nonce: 13 });
    // Mined at the block the balance is read at (nonce below the mined count), waiting for its confirmations:
    // already out of the balance.
    await put(usdc(20), 'pending', { nonce: 11 });
    // A retired wallet's payout is paid from that wallet's balance, not this one.
    await put(usdc(30), 'pending', { wallet: '0xdef', nonce: 40 });
    const registryChain = { ...chainRegistry().get('local-a')!, name: chain };
    const readAt: (number | undefined)[] = [];
    const wallet = {
      hotWalletAddress: async () => '0xabc',
      headBlock: async () => 77,
      minedNonce: async (block?: number) => { readAt.push(block); return 12; },
      balances: async (block?: number) => { readAt.push(block); return { gasWei: 1n, tokens: { USDC: usdc(100) } }; },
    };
    const adapter = { withKey: (keyId: string) => { expect(keyId).toBe(registryChain.hotWalletKeyId); return wallet as unknown as ChainAdapter; } };

    const position = await walletPosition({ dynamodb, tableName }, registryChain, adapter, 'USDC');

    expect(position).toEqual({ wallet: '0xabc', balanceMinor: usdc(100), inFlightMinor: usdc(7), inFlightCount: 2, availableMinor: usdc(93) });
    expect(readAt).toEqual([77, 77]);
  });

  it('reads the wallet payouts use after a key rotation, not the registry\'s key (whose wallet is being emptied)', async () => {
    const { dynamodb, kms } = clients();
    const tableName = await isolatedTable();
    const chain = chainRegistry().get('local-a')!;
    const [oldKey, newKey] = [await newHotWalletKey(), await newHotWalletKey()];
    const registryChain = { ...chain, hotWalletKeyId: oldKey };
    const adapter = new EvmAdapter(registryChain, kms);
    const [oldWallet, newWallet] = [await adapter.hotWalletAddress(), await adapter.withKey(newKey).hotWalletAddress()];
    const running = stack().chains.find((c) => c.name === 'local-a')!;
    await fundAddress(running, oldWallet, { gasWei: 0n, usdcMinor: usdc(500) });
    await fundAddress(running, newWallet, { gasWei: 0n, usdcMinor: usdc(70) });
    const deps = { dynamodb, tableName };

    expect(await walletPosition(deps, registryChain, adapter, 'USDC')).toMatchObject({ wallet: oldWallet, balanceMinor: usdc(500) });
    await beginRotation(deps, registryChain, newKey);
    await completeRotation(deps, registryChain, adapter);

    expect(await walletPosition(deps, registryChain, adapter, 'USDC')).toEqual({ wallet: newWallet, balanceMinor: usdc(70), inFlightMinor: 0n, inFlightCount: 0, availableMinor: usdc(70) });
  });
});

/**
 * Runs the job until it stores its forecasts: the scheduled function forecasts the same chains, and
 * a scheduled run that started after this one and finished first has the newer forecast, so this
 * run's is dropped (superseded). Three runs in a row losing that race would take a schedule every
 * few seconds.
 */
async function runUntilStored(deps: ForecastJobDeps): Promise<ForecastRun[]> {
  for (let attempt = 1; ; attempt++) {
    const records = await runForecastJob(deps);
    if (records.every((r) => !r.superseded) || attempt === 3) return records;
  }
}

describe('forecast-batch on the local stack', () => {
  let cli: ReturnType<typeof cliAgainstTestStack>;
  let records: ForecastRun[];
  let deps: ForecastJobDeps;
  let seededAt: string;
  const signals: ForecastSignal[] = [];

  /** The liquidity.forecast_shortfall events for local-b created at or after `since`, whichever run wrote them. */
  const shortfallEvents = async (since: string) => {
    const events = await clients().dynamodb.send(new QueryCommand({
      TableName: stack().tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } },
    }));
    return (events.Items ?? []).map((item) => JSON.parse(item.body!.S!))
      .filter((e) => e.type === 'liquidity.forecast_shortfall' && e.data.object.chain === 'local-b' && e.created_at >= since);
  };

  beforeAll(async () => {
    cli = cliAgainstTestStack();
    seededAt = new Date().toISOString();
    // local-a: a quiet chain (~10 USDC an hour) its 1M USDC hot wallet covers; local-b: ~2M USDC an hour, far beyond it
    // at any hour the suite runs: its quietest six hours (a weekend night, ~27 % of the level) still forecast over 3M.
    // (At 300k an hour, a run at 22:00 UTC forecast 0.55M for the night and found no shortfall: CI failed on it.)
    for (const [chain, level, ticket, seed] of [['local-a', '10', '1', '3'], ['local-b', '2000000', '5000', '4']] as const) {
      const run = await cli.run(['forecast', 'seed', '--chain', chain, '--days', '35', '--level', level, '--ticket', ticket, '--seed', seed]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('Seeded 840 hourly buckets');
    }
    const { dynamodb, kms } = clients();
    const chains = chainRegistry();
    deps = {
      dynamodb, tableName: stack().tableName, chains,
      adapter: (name) => new EvmAdapter(chains.get(name)!, kms),
      now: () => new Date(),
      settings: { horizonHours: 48, historyDays: 90, pathCount: 1000, quantile: 0.99, shortfallProbability: 0.05, seed: 1 },
      signal: (signal) => signals.push(signal),
    };
    records = await runUntilStored(deps);
  }, 240_000);

  afterAll(() => cli?.cleanup());

  it('writes a 48-hour forecast with nested 80 % and 95 % intervals for every chain', async () => {
    // What this run stored; the schedule (or another test's seed) may have replaced it since with a newer one.
    const stored = await readForecasts({ dynamodb: clients().dynamodb, tableName: stack().tableName });
    for (const chain of ['local-a', 'local-b']) {
      const record = records.find((r) => r.chain === chain && r.asset === 'USDC')!;
      expect(record.superseded).toBe(false);
      expect(stored.find((f) => f.record.chain === chain && f.record.asset === 'USDC')!.record.generatedAt >= record.generatedAt).toBe(true);
      expect(record.status).toBe('ok');
      expect(record.historyHours).toBeGreaterThanOrEqual(840);
      expect(record.mean).toHaveLength(48);
      const [i80, i95] = [0.8, 0.95].map((level) => record.intervals.find((i) => i.level === level)!);
      for (let step = 0; step < 48; step++) {
        expect(i95!.lower[step]!).toBeLessThanOrEqual(i80!.lower[step]!);
        expect(i80!.lower[step]!).toBeLessThanOrEqual(record.mean[step]!);
        expect(record.mean[step]!).toBeLessThanOrEqual(i80!.upper[step]!);
        expect(i80!.upper[step]!).toBeLessThanOrEqual(i95!.upper[step]!);
      }
    }
  });

  it('plans the quiet wallet without a top-up and signals no shortfall for it', () => {
    const plan = records.find((r) => r.chain === 'local-a')!.plan!;
    expect(plan.leadTimeHours).toBe(6);
    expect(BigInt(plan.balanceMinor)).toBeGreaterThan(0n);
    expect(BigInt(plan.requiredMinor)).toBeGreaterThan(0n);
    expect(BigInt(plan.requiredMinor)).toBeLessThan(usdc(1000));
    expect(plan.topUpMinor).toBe('0');
    expect(plan.shortfall).toBe(false);
    expect(signals.filter((s) => s.kind === 'forecast_shortfall' && s.chain === 'local-a')).toEqual([]);
  });

  it('gives the small hot wallet a top-up, a shortfall signal and a liquidity.forecast_shortfall event', async () => {
    const record = records.find((r) => r.chain === 'local-b')!;
    const plan = record.plan!;
    expect(plan.shortfall).toBe(true);
    expect(plan.dryProbability).toBeGreaterThan(0.05);
    expect(BigInt(plan.topUpMinor)).toBe(BigInt(plan.requiredMinor) - BigInt(plan.availableMinor));
    expect(signals).toContainEqual(expect.objectContaining({ kind: 'forecast_shortfall', chain: 'local-b', topUpMinor: plan.topUpMinor }));

    // This run's, or the scheduled function's if it planned the seeded history first: one either way.
    const announced = await shortfallEvents(seededAt);
    expect(announced).toHaveLength(1);
    expect(announced[0].data.object).toMatchObject({ chain: 'local-b', asset: 'USDC', wallet: plan.wallet });
    expect(BigInt(announced[0].data.object.top_up)).toBeGreaterThan(0n);
  });

  it('runs on its schedule in the local stack too (rate(2 minutes)): the function rewrites the seeded chains\' forecasts', async () => {
    const ours = records.find((r) => r.chain === 'local-b')!;
    const scheduled = await waitFor('a forecast written by the scheduled function', async () => {
      const [latest] = await readForecasts({ dynamodb: clients().dynamodb, tableName: stack().tableName }, 'local-b');
      return latest && latest.record.generatedAt > ours.generatedAt ? latest.record : undefined;
    }, { timeoutMs: 150_000, intervalMs: 2_000 });
    expect(scheduled.status).toBe('ok');
    expect(scheduled.plan?.shortfall).toBe(true);
    expect(scheduled.plan?.pathCount).toBe(1000);
    // Still short, already announced: the scheduled run wrote its forecast and no second event.
    expect(await shortfallEvents(seededAt)).toHaveLength(1);
  }, 160_000);

  it('announces a shortfall again once the wallet has recovered and falls short anew', async () => {
    // Events by id, not by time: a scheduled run stamps its event with the time it started, which may
    // be before this test's reset though it writes after it. While local-b stays short and announced,
    // no run adds one, so every event new after this snapshot follows the reset below.
    const before = new Set((await shortfallEvents(seededAt)).map((e) => e.id));
    // A threshold no plan exceeds: the wallet counts as covered, and its shortfall state is cleared.
    const [covered] = (await runUntilStored({ ...deps, settings: { ...deps.settings, shortfallProbability: 1 } })).filter((r) => r.chain === 'local-b');
    expect(covered!.superseded).toBe(false);
    expect(covered!.plan?.shortfall).toBe(false);
    await runUntilStored(deps);
    // This run's announcement, or the schedule's if it ran in between: exactly one either way.
    expect((await shortfallEvents(seededAt)).filter((e) => !before.has(e.id))).toHaveLength(1);
  }, 120_000);

  it('drops the forecast of a run older than the stored one: a slow run finishing last does not put back its older plan', async () => {
    const storedBefore = await readForecasts({ dynamodb: clients().dynamodb, tableName: stack().tableName });
    const newestBefore = (chain: string) => storedBefore.find((f) => f.record.chain === chain && f.record.asset === 'USDC')!.record.generatedAt;
    const staleSignals: ForecastSignal[] = [];
    // A run whose clock started ten minutes ago: everything stored since is newer than its forecasts.
    const stale = await runForecastJob({ ...deps, now: () => new Date(Date.now() - 600_000), signal: (s) => staleSignals.push(s) });
    expect(stale.filter((r) => r.chain === 'local-a' || r.chain === 'local-b').map((r) => [r.chain, r.superseded])).toEqual([['local-a', true], ['local-b', true]]);
    expect(staleSignals.filter((s) => s.chain === 'local-a' || s.chain === 'local-b').map((s) => s.kind)).toEqual(['forecast_superseded', 'forecast_superseded']);
    const storedAfter = await readForecasts({ dynamodb: clients().dynamodb, tableName: stack().tableName });
    for (const chain of ['local-a', 'local-b']) {
      const after = storedAfter.find((f) => f.record.chain === chain && f.record.asset === 'USDC')!.record.generatedAt;
      expect(after >= newestBefore(chain)).toBe(true);
      expect(after).not.toBe(stale.find((r) => r.chain === chain)!.generatedAt);
    }
  }, 120_000);

  it('shows the forecast and plan with `lanepay forecast show`, as a table and as JSON', async () => {
    const table = await cli.run(['forecast', 'show', '--chain', 'local-b', '--hours', '6']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/local-b USDC: forecast of/);
    expect(table.stdout).toMatch(/runs dry\s+\d+\.\d % of 1000 simulated paths: SHORTFALL/);
    expect(table.stdout.match(/^\s+\d{4}-\d\d-\d\d \d\dh\s/gm)).toHaveLength(6);

    const json = await cli.run(['forecast', 'show', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as ForecastRecord[];
    expect(listed.map((r) => r.chain)).toEqual(expect.arrayContaining(['local-a', 'local-b']));
  });

  it('prices a scenario from the same paths: tripled flows on the quiet chain need more, x0 needs nothing', async () => {
    const tripled = await cli.run(['forecast', 'scenario', '--chain', 'local-a', '--shock', 'x3@+0h/6h', '--json']);
    expect(tripled.code, tripled.stderr).toBe(0);
    const result = JSON.parse(tripled.stdout);
    // Same paths, times three over the whole lead time: the quantile triples (up to rounding of each path's ceiling).
    // The baseline the scenario printed, from the same stored forecast (the schedule may have
    // written a newer one since this file read `records`).
    const required = Number(result.scenario.required) * 1e6;
    const baseRequired = Number(result.baseline.required) * 1e6;
    expect(required).toBeGreaterThan(2.9 * baseRequired);
    expect(required).toBeLessThanOrEqual(3 * baseRequired + 3);

    const stopped = await cli.run(['forecast', 'scenario', '--chain', 'local-b', '--shock', 'x0@+0h/3h', '--shock', 'x0@+3h/3h', '--json']);
    expect(stopped.code, stopped.stderr).toBe(0);
    // Nothing flows out, so what is needed is only what the wallet already lacks: payouts in
    // flight on local-b (other tests share the stack's wallets) can make "available" negative.
    const halted = JSON.parse(stopped.stdout) as { available: string; scenario: Record<string, unknown> };
    const lacking = halted.available.startsWith('-');
    expect(halted.scenario).toEqual({ dry_probability: lacking ? 1 : 0, required: '0.0', top_up: lacking ? halted.available.slice(1) : '0.0' });

    const bad = await cli.run(['forecast', 'scenario', '--chain', 'local-a', '--shock', 'x3@2h/6h']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('@+');
  });
});
