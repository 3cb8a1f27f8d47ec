import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { JsonRpcProvider, Contract } from 'ethers';
import { describe, expect, it } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { FailoverRpc } from '#lib/chains/rpc.js';
import { checkPayout } from '#lib/money/payouts/check.js';
import { submitPayout } from '#lib/money/payouts/submit.js';
import { DEPLOYER_ADDRESS, fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName, usdcBalance } from '../../support/chain.js';
import { clients, someAddress } from '../../support/deps.js';
import { isolatedWorld } from '../../support/isolated.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { balanceIn, capturedPayment, crashAfterNonceRecord, driveUntilFinal, merchantIn, paymentIn } from './world.js';

async function transactionCount(chain: string, address: string): Promise<number> {
  return new JsonRpcProvider(chainByName(chain).rpcUrl, undefined, { staticNetwork: true }).getTransactionCount(address, 'latest');
}

async function blacklist(chain: string, address: string): Promise<void> {
  const provider = new JsonRpcProvider(chainByName(chain).rpcUrl, undefined, { staticNetwork: true });
  provider.pollingInterval = 200;
  const owner = await provider.getSigner(DEPLOYER_ADDRESS);
  const token = new Contract(chainByName(chain).usdcAddress, ['function blacklist(address)'], owner);
  await (await token.getFunction('blacklist')(address)).wait();
}

describe('chain-submit faults', () => {
  it('puts one transaction on chain when the function dies after signing and before broadcasting, and the message is redelivered', async () => {
    const world = await isolatedWorld();
    const merchant = await merchantIn(world, 50_000_000n);
    const destination = someAddress();
    const payment = await capturedPayment(world, merchant, 'local-a', destination, 3_000_000n);
    const wallet = await world.adapters.get('local-a')!.hotWalletAddress();
    const disarm = crashAfterNonceRecord(world.payouts.dynamodb);

    await expect(submitPayout(world.payouts, payment)).rejects.toThrow('simulated crash');
    disarm();
    expect(await transactionCount('local-a', wallet)).toBe(0);
    expect(await submitPayout(world.payouts, payment)).toBe('rebroadcast');
    expect(await submitPayout(world.payouts, payment)).toBe('rebroadcast');
    const outcomes = await driveUntilFinal(world, payment.id);

    expect(outcomes.at(-1)).toBe('succeeded');
    expect(await usdcBalance('local-a', destination)).toBe(3_000_000n);
    expect(await transactionCount('local-a', wallet)).toBe(1);
    expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('succeeded');
  });

  it('delays payments while every RPC endpoint of a chain is down and completes them all when it is back', async () => {
    const target = new URL(chainByName('local-b').rpcUrl);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port) });
    await proxy.start();
    const world = await isolatedWorld({ rpc: (chain) => new FailoverRpc(chain.name, chain.chainId, chain.name === 'local-b' ? [proxy.url] : chain.rpcUrls, { timeoutMs: 1_000, failureThreshold: 2, cooldownMs: 500 }) });
    const merchant = await merchantIn(world, 50_000_000n);
    const destinations = [someAddress(), someAddress(), someAddress()];
    const payments = [];
    for (const destination of destinations) payments.push(await capturedPayment(world, merchant, 'local-b', destination, 1_000_000n));

    expect(await submitPayout(world.payouts, payments[0]!)).toBe('submitted');
    await proxy.stop();
    expect(await submitPayout(world.payouts, payments[1]!)).toBe('waiting_chain');
    expect(await submitPayout(world.payouts, payments[2]!)).toBe('waiting_chain');
    for (const payment of payments) expect(await checkPayout(world.payouts, payment.id)).toMatch(/chain_unavailable|waiting/);
    for (const payment of payments) expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('processing');
    expect(world.signals.some((s) => s.kind === 'chain_unavailable' && s.chain === 'local-b')).toBe(true);

    await proxy.start();
    for (const payment of payments) expect((await driveUntilFinal(world, payment.id)).at(-1)).toBe('succeeded');
    for (const destination of destinations) expect(await usdcBalance('local-b', destination)).toBe(1_000_000n);
    await proxy.stop();
  });

  it('fails a payment whose destination the token refuses and gives the merchant its money back', async () => {
    const world = await isolatedWorld();
    const merchant = await merchantIn(world, 20_000_000n);
    const refused = someAddress();
    await blacklist('local-a', refused);
    const payment = await capturedPayment(world, merchant, 'local-a', refused, 5_000_000n);
    expect((await balanceIn(world, merchant.id)).available).toBe('15000000');

    expect(await submitPayout(world.payouts, payment)).toBe('failed');

    const failed = await paymentIn(world, merchant.id, payment.id);
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'destination_rejected' });
    expect((await balanceIn(world, merchant.id)).available).toBe('20000000');
  });

  it('compensates the ledger when a broadcast transfer reverts on chain', async () => {
    const world = await isolatedWorld();
    const merchant = await merchantIn(world, 20_000_000n);
    const destination = someAddress();
    const payment = await capturedPayment(world, merchant, 'local-a', destination, 4_000_000n);
    const disarm = crashAfterNonceRecord(world.payouts.dynamodb);
    await expect(submitPayout(world.payouts, payment)).rejects.toThrow('simulated crash');
    disarm();
    // The destination becomes refused after the transaction was signed: it is mined and reverts.
    await blacklist('local-a', destination);
    await submitPayout(world.payouts, payment);

    expect((await driveUntilFinal(world, payment.id)).at(-1)).toBe('failed');
    expect(await paymentIn(world, merchant.id, payment.id)).toMatchObject({ status: 'failed', failure_code: 'transfer_reverted' });
    expect((await balanceIn(world, merchant.id)).available).toBe('20000000');
    expect(await usdcBalance('local-a', destination)).toBe(0n);
  });

  it('pauses payouts while the hot wallet is empty, raises liquidity.low, and resumes once it is topped up', async () => {
    const world = await isolatedWorld({ fund: false });
    const merchant = await merchantIn(world, 20_000_000n);
    const destination = someAddress();
    const payment = await capturedPayment(world, merchant, 'local-b', destination, 2_500_000n);

    expect(await submitPayout(world.payouts, payment)).toBe('waiting_liquidity');
    expect(await checkPayout(world.payouts, payment.id)).toBe('waiting');
    expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('processing');
    expect(world.signals.filter((s) => s.kind === 'liquidity_low')).not.toHaveLength(0);
    const events = await clients().dynamodb.send(new QueryCommand({ TableName: world.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } } }));
    expect(events.Items?.map((item) => JSON.parse(item.body!.S!).type)).toEqual(['liquidity.low']);

    const wallet = await world.adapters.get('local-b')!.hotWalletAddress();
    await fundAddress(chainByName('local-b'), wallet, { gasWei: 10n ** 18n, usdcMinor: 10_000_000n });
    expect((await driveUntilFinal(world, payment.id)).at(-1)).toBe('succeeded');
    expect(await usdcBalance('local-b', destination)).toBe(2_500_000n);
    const payout = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${payment.id}` }, sk: { S: 'PAYOUT' } } }));
    expect(payout.Item?.status?.S).toBe('succeeded');
  });

  it('replaces a transaction stuck below the market fee with a higher fee on the same nonce, once the caps allow', async () => {
    const lowCaps = { type: 'eip1559' as const, maxFeePerGasWei: '1', maxPriorityFeePerGasWei: '1' };
    const world = await isolatedWorld({ chainOverrides: (chain) => ({ ...chain, fees: lowCaps }) });
    world.payouts.stuckAfterMs = 0;
    const merchant = await merchantIn(world, 20_000_000n);
    const destination = someAddress();
    const payment = await capturedPayment(world, merchant, 'local-a', destination, 1_500_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    expect(await checkPayout(world.payouts, payment.id)).toBe('confirming'); // stuck, and at the caps

    const chain = world.payouts.chains.get('local-a')!;
    world.adapters.set('local-a', new EvmAdapter({ ...chain, fees: { type: 'eip1559', maxFeePerGasWei: '100000000000', maxPriorityFeePerGasWei: '2000000000' } }, world.kms));
    expect(await checkPayout(world.payouts, payment.id)).toBe('replaced');
    expect((await driveUntilFinal(world, payment.id)).at(-1)).toBe('succeeded');

    const payout = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${payment.id}` }, sk: { S: 'PAYOUT' } } }));
    const attempts = JSON.parse(payout.Item!.attempts!.S!) as Array<{ hash: string }>;
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const done = await paymentIn(world, merchant.id, payment.id);
    expect(attempts.map((a) => a.hash)).toContain(done.tx_hash);
    expect(done.tx_hash).not.toBe(attempts[0]!.hash);
    expect(await transactionCount('local-a', await world.adapters.get('local-a')!.hotWalletAddress())).toBe(1);
    expect(await usdcBalance('local-a', destination)).toBe(1_500_000n);
  });

  it('fills a nonce whose transaction the node refuses for good with a self-transfer, fails that payment, and keeps later payouts moving', async () => {
    const world = await isolatedWorld();
    const merchant = await merchantIn(world, 20_000_000n);
    const adapter = world.adapters.get('local-a')!;
    const wallet = await adapter.hotWalletAddress();
    const signPayout = adapter.signPayout.bind(adapter);
    // Too little gas to ever be mined: the node refuses the bytes themselves.
    adapter.signPayout = (request, _gasLimit) => signPayout(request, 20_000n);
    const doomed = await capturedPayment(world, merchant, 'local-a', someAddress(), 2_000_000n);
    expect(await submitPayout(world.payouts, doomed)).toBe('submitted');
    adapter.signPayout = signPayout;
    const next = await capturedPayment(world, merchant, 'local-a', someAddress(), 3_000_000n);
    expect(await submitPayout(world.payouts, next)).toBe('submitted');

    expect((await driveUntilFinal(world, doomed.id)).at(-1)).toBe('failed');
    expect(await paymentIn(world, merchant.id, doomed.id)).toMatchObject({ status: 'failed', failure_code: 'broadcast_rejected' });
    expect((await driveUntilFinal(world, next.id)).at(-1)).toBe('succeeded');
    expect(await transactionCount('local-a', wallet)).toBe(2);
    expect((await balanceIn(world, merchant.id)).available).toBe('17000000');
  });

  it('re-broadcasts the same signed bytes when the node drops a pending transaction', async () => {
    const lowCaps = { type: 'eip1559' as const, maxFeePerGasWei: '1', maxPriorityFeePerGasWei: '1' };
    const world = await isolatedWorld({ chainOverrides: (chain) => ({ ...chain, fees: lowCaps }) });
    const merchant = await merchantIn(world, 20_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    const payout = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${payment.id}` }, sk: { S: 'PAYOUT' } } }));
    const [first] = JSON.parse(payout.Item!.attempts!.S!) as Array<{ hash: string }>;
    const node = new JsonRpcProvider(chainByName('local-a').rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    expect(await node.send('hardhat_dropTransaction', [first!.hash])).toBe(true);
    expect(await node.getTransaction(first!.hash)).toBeNull();

    expect(await checkPayout(world.payouts, payment.id)).toBe('rebroadcast');
    expect((await node.getTransaction(first!.hash))?.hash).toBe(first!.hash);
  });
});
