import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { expireDueCharges } from '#lib/money/charges/expire.js';
import { listChargeDeposits } from '#lib/money/charges/query.js';
import type { Charge } from '#lib/money/charges/schemas.js';
import { watchChain } from '#lib/money/charges/watch.js';
import { listEvents } from '#lib/notify/events/query.js';
import { waitFor } from '../../support/wait.js';
import { chainByName } from '../../support/chain.js';
import { clients } from '../../support/deps.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { payerOn, payInWorld } from '../../support/pay-ins.js';

const inAnHour = () => new Date(Date.now() + 3600_000);

describe.each(['local-a', 'local-b'])('pay-ins on %s', (chainName) => {
  it('credits exact, split, under, over, late and top-up payments once final, less the 1% fee, with the ledger balanced; a transfer below the minimum deposit is counted as dust', async () => {
    const world = await payInWorld({ feeBps: 100 });
    const payer = await payerOn(chainByName(chainName));
    const on = { chains: [chainName] };
    // The late charge expired a second before the test starts (created a minute ago with the shortest expiry).
    const pastDeps = { ...world.charges, now: () => new Date(Date.now() - 61_000) };
    const [exact, split, under, over, topUp, late] = [
      await world.open({ ...on, amount: '1000000' }),
      await world.open({ ...on, amount: '1000000' }),
      await world.open({ ...on, amount: '1000000' }),
      await world.open({ ...on, amount: '1000000' }),
      await world.open({ ...on }),
      await world.open({ ...on, amount: '1000000', expires_in: 60 }, pastDeps),
    ];
    expect(topUp.expires_at).toBeNull();
    expect((await expireDueCharges(world.charges)).expired).toBe(1);
    expect((await world.charge(late.id)).status).toBe('expired');
    await watchChain(world.watch, chainName); // the cursor starts below the payments

    const address = (charge: typeof exact) => charge.addresses[0]!.deposit_address;
    await Promise.all([
      payer.send(address(exact), 1_000_000n), payer.send(address(split), 600_000n), payer.send(address(under), 400_000n),
      payer.send(address(over), 1_500_000n), payer.send(address(topUp), 123_456n), payer.send(address(late), 1_000_000n),
    ].map(async (sent) => (await sent).wait()));
    await world.watchUntil('the first payments final', [chainName], async () => {
      const all = await Promise.all([exact, split, under, over, topUp, late].map((c) => world.charge(c.id)));
      return all.every((c) => c.amount_pending === '0' && c.deposits.length === 1) ? all : undefined;
    });
    await (await payer.send(address(split), 400_000n)).wait();
    // 0.001 USDC is below the default minimum deposit (0.01): counted on the top-up as dust, not credited.
    await (await payer.send(address(topUp), 1_000n)).wait();
    await world.watchUntil('the second payments final and the dust counted', [chainName], async () => {
      const [s, t] = await Promise.all([world.charge(split.id), world.charge(topUp.id)]);
      return s.amount_received === '1000000' && t.dust_count === 1 ? true : undefined;
    });
    expect((await expireDueCharges({ ...world.charges, now: inAnHour })).expired).toBe(1); // the underpaid one

    const after = Object.fromEntries(await Promise.all(Object.entries({ exact, split, under, over, topUp, late }).map(async ([k, c]) => [k, await world.charge(c.id)] as const)));
    expect(after.exact!.status).toBe('succeeded');
    expect(after.exact!.deposits[0]).toMatchObject({ chain: chainName, status: 'credited', amount: '1000000', late: false });
    expect(after.exact!.deposits[0]!.confirmations).toBeGreaterThanOrEqual(1);
    expect(after.split!).toMatchObject({ status: 'succeeded', amount_received: '1000000', fee: '10000', flags: [] });
    expect(after.split!.deposits).toHaveLength(2);
    expect(after.split!.deposit_count).toBe(2);
    // The charge's deposits page newest first, the cursor a deposit id.
    const newest = await listChargeDeposits(world.charges, world.merchantId, split.id, { limit: 1 });
    expect(newest).toMatchObject({ object: 'list', has_more: true, data: [{ amount: '400000', status: 'credited', chain: chainName }] });
    const older = await listChargeDeposits(world.charges, world.merchantId, split.id, { limit: 1, startingAfter: newest.data[0]!.id });
    expect(older).toMatchObject({ has_more: false, data: [{ amount: '600000', status: 'credited' }] });
    expect([...older.data, ...newest.data]).toEqual(after.split!.deposits);
    expect(after.under!).toMatchObject({ status: 'expired', amount_received: '400000', flags: ['underpaid'] });
    expect(after.over!).toMatchObject({ status: 'overpaid', amount_received: '1500000', flags: ['overpaid'] });
    expect(after.topUp!).toMatchObject({ status: 'succeeded', amount: null, amount_received: '123456', flags: [], deposit_count: 1, dust_count: 1, dust_amount: '1000' });
    expect(after.late!).toMatchObject({ status: 'succeeded', amount_received: '1000000', flags: ['late'] });

    const received = 1_000_000n + 1_000_000n + 400_000n + 1_500_000n + 123_456n + 1_000_000n;
    const fees = Object.values(after).reduce((total, c) => total + BigInt(c.fee), 0n);
    expect(fees).toBe(10_000n + 10_000n + 4_000n + 15_000n + 1_234n + 10_000n);
    expect(await world.available()).toBe(received - fees);
    await expectLedgerBalanced(world.tableName);

    const events = (await listEvents(world.charges, world.merchantId, { limit: 100 })).data.filter((e) => e.data.object.id === exact.id).map((e) => e.type);
    expect(events.sort()).toEqual(['charge.created', 'charge.pending', 'charge.succeeded']);
  });
});

describe('the watcher', () => {
  it('resumes after a crash mid-scan with every deposit recorded and credited exactly once', async () => {
    const world = await payInWorld({ feeBps: 0 });
    const payer = await payerOn(chainByName('local-a'));
    const charges = await Promise.all(Array.from({ length: 5 }, () => world.open({ chains: ['local-a'], amount: '2000000' })));
    await watchChain(world.watch, 'local-a');
    await Promise.all(charges.map(async (c) => (await payer.send(c.addresses[0]!.deposit_address, 2_000_000n)).wait()));

    let recorded = 0;
    const crashing = { ...world.watch, afterRecord: () => {
      recorded += 1;
      if (recorded === 2) throw new Error('injected crash after the second deposit');
    } };
    const crash = await waitFor('the injected crash', async () => {
      try {
        await watchChain(crashing, 'local-a');
        return undefined;
      } catch (error) {
        return error as Error;
      }
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(crash.message).toMatch(/injected crash/);
    expect(recorded).toBe(2);

    await world.watchUntil('every charge paid', ['local-a'], async () => {
      const all = await Promise.all(charges.map((c) => world.charge(c.id)));
      return all.every((c) => c.status === 'succeeded') ? all : undefined;
    });
    for (const c of await Promise.all(charges.map((x) => world.charge(x.id)))) {
      expect(c.deposits).toHaveLength(1);
      expect(c.amount_received).toBe('2000000');
    }
    expect(await world.available()).toBe(5n * 2_000_000n);
    expect(await depositTransfers(world.tableName)).toBe(5);
    await expectLedgerBalanced(world.tableName);
  });

  it('credits 200 charges paid in one burst exactly once each', async () => {
    const world = await payInWorld({ feeBps: 50 });
    const payer = await payerOn(chainByName('local-b'));
    const charges: Charge[] = [];
    for (let i = 0; i < 200; i += 1) charges.push(await world.open({ chains: ['local-b'], amount: String(1_000_000 + i) }));
    await watchChain(world.watch, 'local-b');
    const sent = [];
    for (const c of charges) sent.push(await payer.send(c.addresses[0]!.deposit_address, BigInt(c.amount!)));
    await Promise.all(sent.map((tx) => tx.wait()));

    const final = await world.watchUntil('200 charges succeeded', ['local-b'], async () => {
      const all = await Promise.all(charges.map((c) => world.charge(c.id)));
      return all.every((c) => c.status === 'succeeded') ? all : undefined;
    }, 180_000);
    // Another pass over the same blocks changes nothing.
    await watchChain({ ...world.watch }, 'local-b');
    const expected = final.reduce((total, c) => total + BigInt(c.amount!) - BigInt(c.fee), 0n);
    for (const c of final) {
      expect(c.deposits).toHaveLength(1);
      expect(c.amount_received).toBe(c.amount);
    }
    expect(await world.available()).toBe(expected);
    expect(await depositTransfers(world.tableName)).toBe(200);
    await expectLedgerBalanced(world.tableName);
  }, 300_000);
});

/** Ledger transfers that credit a deposit to a merchant (fee transfers apart). */
async function depositTransfers(tableName: string): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await clients().dynamodb.send(new ScanCommand({
      TableName: tableName, FilterExpression: 'begins_with(pk, :p) AND NOT contains(pk, :fee)',
      ExpressionAttributeValues: { ':p': { S: 'TRANSFER#trf_deposit_' }, ':fee': { S: '_fee' } }, ExclusiveStartKey: start, ConsistentRead: true,
    }));
    count += page.Items?.length ?? 0;
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return count;
}
