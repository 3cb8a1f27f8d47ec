import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { depositAddressItem, type WatchedAddress } from '#lib/money/charges/items.js';
import { lookupWatched } from '#lib/money/charges/watched.js';
import { clients, someAddress } from '../../support/deps.js';
import { isolatedTable } from '../../support/isolated.js';

const inADay = () => new Date(Date.now() + 24 * 3600_000).toISOString();
const anHourAgo = () => new Date(Date.now() - 3600_000).toISOString();

describe('looking up the recipients of a range among the deposit addresses', () => {
  it('finds the addresses still watched, whatever else is open, in batches of 100; one past its late window is not watched', async () => {
    const { dynamodb } = clients();
    const tableName = await isolatedTable();
    const entry = (chargeId: string): WatchedAddress => ({ chain: 'local-a', address: someAddress().toLowerCase(), chargeId, merchantId: 'mer_x', asset: 'USDC', minDepositMinor: 2_500n });
    const open = Array.from({ length: 150 }, (_, i) => entry(`ch_open${String(i).padStart(21, '0')}`));
    const closed = entry('ch_closed000000000000000000');
    const otherChain = { ...entry('ch_otherchain00000000000000'), chain: 'local-b' };
    for (const watched of open) await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: depositAddressItem(watched, inADay()) }));
    await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: depositAddressItem(closed, anHourAgo()) }));
    await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: depositAddressItem(otherChain, inADay()) }));

    const recipients = [...open.map((w) => w.address), open[0]!.address, closed.address, otherChain.address, someAddress().toLowerCase()];
    const found = await lookupWatched({ dynamodb, tableName, now: () => new Date() }, 'local-a', recipients);
    expect([...found.keys()].sort()).toEqual(open.map((w) => w.address).sort());
    expect(found.get(open[7]!.address)).toEqual(open[7]);
  });
});
