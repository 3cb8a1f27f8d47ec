import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { id, Wallet } from 'ethers';
import { treasuryMerchant } from '#lib/merchants/members/treasury-owners.js';
import { describe, expect, it } from 'vitest';
import { readMerchantLog } from '#lib/audit/reads.js';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import type { Chain } from '#lib/chains/registry.js';
import { transferKey } from '#lib/ledger/transfers.js';
import { platformAccountBalance } from '#lib/ledger/platform-balance.js';
import { bookHotWalletFunding, bookTreasuryFunding, type FundingDeps } from '#lib/treasury/funding/book.js';
import { fundingKey, fundingTransferId } from '#lib/treasury/funding/items.js';
import { fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName, provider } from '../../support/chain.js';
import { cliAgainstTestStack } from '../../support/cli.js';
import { chainRegistry, clients, fundedMerchant, usdc } from '../../support/deps.js';
import { isolatedWorld } from '../../support/isolated.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

/**
 * A world of its own: a fresh table, and local-a's treasury Safe replaced by a fresh address of the
 * test's, so no other test's transfers move what the ledger is compared with.
 */
async function fundingWorld(override: (chain: Chain) => Chain = (chain) => chain) {
  const safe = Wallet.createRandom().address;
  const world = await isolatedWorld({ fund: false, chainOverrides: (chain) => override({ ...chain, treasury: { ...chain.treasury!, safe } }) });
  const deps: FundingDeps = { dynamodb: clients().dynamodb, tableName: world.tableName, chains: world.payouts.chains, adapter: (name) => world.adapters.get(name)!, now: () => new Date() };
  return { world, safe, deps };
}

async function mint(to: string, amountMinor: bigint): Promise<string> {
  return (await fundAddress(chainByName('local-a'), to, { gasWei: 0n, usdcMinor: amountMinor })).usdcTx!;
}

async function platformEvents(tableName: string): Promise<{ type: string; data: { object: Record<string, string> } }[]> {
  const { Items = [] } = await clients().dynamodb.send(new QueryCommand({
    TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } },
  }));
  return Items.map((item) => JSON.parse(item.body!.S!));
}

const balance = async (tableName: string, name: 'treasury:local-a' | 'funding:local-a') =>
  (await platformAccountBalance({ dynamodb: clients().dynamodb, tableName }, name, 'USDC')).postedMinor;

describe('booking treasury funding: refusals', () => {
  it('books nothing for a transaction that pays someone other than the Safe, and says so', async () => {
    const { world, deps } = await fundingWorld();
    const elsewhere = await mint(Wallet.createRandom().address, usdc(3));
    await expect(bookTreasuryFunding(deps, { chain: 'local-a', txHash: elsewhere })).rejects.toMatchObject({ code: 'treasury_funding_not_to_treasury' });
    expect(await balance(world.tableName, 'treasury:local-a')).toBe(0n);
    expect(await platformEvents(world.tableName)).toEqual([]);
  });

  it('books nothing before the block has the chain registry confirmations, then books it once it has them', async () => {
    const { world, safe, deps } = await fundingWorld((chain) => ({ ...chain, confirmations: 4 }));
    const tx = await mint(safe, usdc(2));
    await expect(bookTreasuryFunding(deps, { chain: 'local-a', txHash: tx })).rejects.toMatchObject({ code: 'treasury_funding_not_final', extensions: { required: 4 } });
    expect(await balance(world.tableName, 'treasury:local-a')).toBe(0n);
    const receipt = await provider('local-a').getTransactionReceipt(tx);
    // A block a second: three more make four confirmations.
    await waitFor('four confirmations', async () => ((await provider('local-a').getBlockNumber()) - receipt!.blockNumber + 1 >= 4 ? true : undefined), { timeoutMs: 30_000, intervalMs: 250 });
    expect((await bookTreasuryFunding(deps, { chain: 'local-a', txHash: tx })).transfers.map((t) => t.outcome)).toEqual(['booked']);
  });

  it('refuses an unknown transaction and a chain without a treasury', async () => {
    const { deps } = await fundingWorld();
    await expect(bookTreasuryFunding(deps, { chain: 'local-a', txHash: `0x${'ab'.repeat(32)}` })).rejects.toMatchObject({ code: 'treasury_funding_tx_not_found' });
    await expect(bookTreasuryFunding(deps, { chain: 'nowhere', txHash: `0x${'ab'.repeat(32)}` })).rejects.toMatchObject({ code: 'treasury_funding_no_treasury' });
  });
});

describe('booking treasury funding', () => {
  it('books a transfer into the Safe exactly once, however many bookings race, with its posting, event and audit record in one go', async () => {
    const { world, safe, deps } = await fundingWorld();
    const platform = await fundedMerchant(0n, (p) => ({ ...p, platform: true }), world.tableName);
    const audited = { ...deps, auditMerchantId: platform.merchant_id };
    const tx = await mint(safe, usdc(7));

    const results = await Promise.all(Array.from({ length: 4 }, () => bookTreasuryFunding(audited, { chain: 'local-a', txHash: tx })));
    expect(results.map((r) => r.transfers.map((t) => t.outcome)).flat().sort()).toEqual(['already_booked', 'already_booked', 'already_booked', 'booked']);
    expect(await bookTreasuryFunding(audited, { chain: 'local-a', txHash: tx })).toMatchObject({ auditedOn: platform.merchant_id, transfers: [{ outcome: 'already_booked', amount: '7000000' }] });

    expect(await balance(world.tableName, 'treasury:local-a')).toBe(usdc(7));
    expect(await balance(world.tableName, 'funding:local-a')).toBe(-usdc(7));
    await expectLedgerBalanced(world.tableName);
    const [logIndex] = results[0]!.transfers.map((t) => t.logIndex);
    const record = (await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: fundingKey('local-a', tx, logIndex!), ConsistentRead: true }))).Item;
    expect(record).toMatchObject({ amountMinor: { N: '7000000' }, safe: { S: safe.toLowerCase() }, transferId: { S: fundingTransferId('local-a', tx, logIndex!) } });
    expect((await platformEvents(world.tableName)).map((e) => [e.type, e.data.object.tx_hash, e.data.object.amount])).toEqual([['treasury.funding.booked', tx.toLowerCase(), '7000000']]);
    const log = (await readMerchantLog(deps, platform.merchant_id)).filter((r) => r.body.action === 'treasury.funding_booked');
    expect(log.map((r) => r.body.object)).toEqual([{ type: 'treasury_funding', id: fundingTransferId('local-a', tx, logIndex!) }]);
  });
});

describe('booking hot-wallet funding', () => {
  /** A world with an unfunded hot wallet of its own on each chain and a Safe address of its own (isolatedWorld books what it funds; this one funds nothing). */
  async function hotWalletWorld() {
    const safe = Wallet.createRandom().address;
    const world = await isolatedWorld({ fund: false, chainOverrides: (chain) => ({ ...chain, treasury: { ...chain.treasury!, safe } }) });
    const deps: FundingDeps = { dynamodb: clients().dynamodb, tableName: world.tableName, chains: world.payouts.chains, adapter: (name) => world.adapters.get(name)!, now: () => new Date() };
    return { world, deps, wallet: await world.adapters.get('local-a')!.hotWalletAddress() };
  }
  const hotWallet = async (tableName: string) => (await platformAccountBalance({ dynamodb: clients().dynamodb, tableName }, 'hotwallet:local-a', 'USDC')).postedMinor;

  it('books a deposit into a hot wallet exactly once however often it is replayed, into hotwallet:<chain>', async () => {
    const { world, deps, wallet } = await hotWalletWorld();
    const tx = await mint(wallet, usdc(4));

    const results = await Promise.all(Array.from({ length: 4 }, () => bookHotWalletFunding(deps, { chain: 'local-a', txHash: tx })));
    expect(results.map((r) => r.transfers.map((t) => t.outcome)).flat().sort()).toEqual(['already_booked', 'already_booked', 'already_booked', 'booked']);
    expect(await bookHotWalletFunding(deps, { chain: 'local-a', txHash: tx })).toMatchObject({ account: 'hot_wallet', transfers: [{ outcome: 'already_booked', amount: '4000000', to: wallet }] });

    expect(await hotWallet(world.tableName)).toBe(usdc(4));
    expect(await balance(world.tableName, 'funding:local-a')).toBe(-usdc(4));
    expect(await balance(world.tableName, 'treasury:local-a')).toBe(0n);
    await expectLedgerBalanced(world.tableName);
    expect((await platformEvents(world.tableName)).map((e) => [e.type, e.data.object.account, e.data.object.to, e.data.object.amount])).toEqual([['treasury.funding.booked', 'hot_wallet', wallet, '4000000']]);
  });

  it('books nothing for a transaction paying no hot wallet, nor for one a hot wallet sent itself (a payout or a sweep books itself)', async () => {
    const { world, deps, wallet } = await hotWalletWorld();
    await expect(bookHotWalletFunding(deps, { chain: 'local-a', txHash: await mint(Wallet.createRandom().address, usdc(1)) })).rejects.toMatchObject({ code: 'treasury_funding_not_to_hot_wallet' });
    // A deposit into the Safe is the treasury's, not the hot wallet's: the hash pasted for the wrong account is refused.
    await expect(bookHotWalletFunding(deps, { chain: 'local-a', txHash: await mint(world.payouts.chains.get('local-a')!.treasury!.safe, usdc(1)) })).rejects.toMatchObject({ code: 'treasury_funding_not_to_hot_wallet' });

    await fundAddress(chainByName('local-a'), wallet, { gasWei: 10n ** 18n, usdcMinor: 0n });
    const adapter = world.adapters.get('local-a')!;
    // The hot wallet pays itself: a transaction Lanepay's own key sent.
    const call = { to: chainByName('local-a').usdcAddress, data: '0xa9059cbb' + wallet.slice(2).toLowerCase().padStart(64, '0') + '0'.padStart(64, '0') };
    const signed = await adapter.signCall(call, await adapter.pendingNonce(), await adapter.quoteFees(), 100_000n);
    await adapter.broadcast(signed.raw);
    await waitFor('the self-transfer mined', async () => (await provider('local-a').getTransactionReceipt(signed.hash)) ?? undefined, { timeoutMs: 30_000, intervalMs: 200 });
    await expect(bookHotWalletFunding(deps, { chain: 'local-a', txHash: signed.hash })).rejects.toMatchObject({ code: 'treasury_funding_own_transaction' });

    expect(await hotWallet(world.tableName)).toBe(0n);
    expect(await platformEvents(world.tableName)).toEqual([]);
  });
});

describe('the local stack books its own funding', () => {
  it("each hot wallet's starting mint is booked at start into hotwallet:<chain>, and booking it again writes nothing", async () => {
    const registry = chainRegistry();
    const adapters = new Map(registry.chains.map((chain) => [chain.name, new EvmAdapter(chain, clients().kms)]));
    const deps: FundingDeps = { dynamodb: clients().dynamodb, tableName: stack().tableName, chains: registry, adapter: (name) => adapters.get(name)!, now: () => new Date() };
    for (const chain of stack().chains) {
      const tx = chain.hotWalletFundingTx;
      const receipt = await provider(chain.name).getTransactionReceipt(tx);
      const log = receipt!.logs.find((entry) => entry.topics[0] === id('Transfer(address,address,uint256)'));
      const transfer = (await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: transferKey(fundingTransferId(chain.name, tx, log!.index)), ConsistentRead: true }))).Item;
      expect(transfer, chain.name).toMatchObject({ amount: { N: '1000000000000' }, debitAccountId: { S: `platform:hotwallet:${chain.name}:USDC` } });
      expect(await bookHotWalletFunding(deps, { chain: chain.name, txHash: tx })).toMatchObject({ transfers: [{ outcome: 'already_booked', logIndex: log!.index, to: chain.hotWallet }] });
    }
  });

  it("each Safe's starting mint is booked at start, and booking it again writes nothing", async () => {
    const registry = chainRegistry();
    const adapters = new Map(registry.chains.map((chain) => [chain.name, new EvmAdapter(chain, clients().kms)]));
    const deps: FundingDeps = { dynamodb: clients().dynamodb, tableName: stack().tableName, chains: registry, adapter: (name) => adapters.get(name)!, now: () => new Date() };
    // Only local-a's treasury starts funded; local-b's starts empty (it is topped up across chains).
    expect(stack().chains.map((chain) => [chain.name, chain.treasury.fundingTx !== undefined])).toEqual([['local-a', true], ['local-b', false]]);
    for (const chain of stack().chains.filter((c) => c.treasury.fundingTx)) {
      const tx = chain.treasury.fundingTx!;
      const receipt = await provider(chain.name).getTransactionReceipt(tx);
      const log = receipt!.logs.find((entry) => entry.topics[0] === id('Transfer(address,address,uint256)'));
      const transfer = (await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: transferKey(fundingTransferId(chain.name, tx, log!.index)), ConsistentRead: true }))).Item;
      expect(transfer, chain.name).toMatchObject({ amount: { N: '1000000000000' }, debitAccountId: { S: `platform:treasury:${chain.name}:USDC` } });
      // Audited on the treasury's merchant once one is bound (another test file binds one on this stack).
      const bound = await treasuryMerchant(deps);
      const again = await bookTreasuryFunding(deps, { chain: chain.name, txHash: tx });
      expect(again).toMatchObject({ transfers: [{ outcome: 'already_booked', logIndex: log!.index }] });
      if ((await treasuryMerchant(deps)) === bound) expect(again.auditedOn).toBe(bound ?? null);
    }
  });
});

describe('lanepay treasury fund', () => {
  it('books a deposit into the stack Safe once, finds the start funding already booked, and refuses a transaction paying elsewhere or an audit log not the platform\'s', async () => {
    const cli = cliAgainstTestStack();
    try {
      const start = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', chainByName('local-a').treasury.fundingTx!]);
      expect(start.code, start.stderr).toBe(0);
      expect(JSON.parse(start.stdout)).toMatchObject({ chain: 'local-a', transfers: [{ outcome: 'already_booked', amount: '1000000000000' }] });
      const booked = (await clients().dynamodb.send(new GetItemCommand({
        TableName: stack().tableName, Key: transferKey(JSON.parse(start.stdout).transfers[0].transfer_id), ConsistentRead: true,
      }))).Item;
      expect(booked?.amount?.N).toBe('1000000000000');

      const tx = await mint(chainByName('local-a').treasury.safe, usdc(1));
      const first = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', tx]);
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ tx_hash: tx.toLowerCase(), transfers: [{ outcome: 'booked', amount: '1000000', asset: 'USDC' }] });
      const again = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', tx]);
      expect(JSON.parse(again.stdout)).toMatchObject({ transfers: [{ outcome: 'already_booked' }] });

      const shop = await fundedMerchant(0n);
      const notPlatform = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', tx, '--merchant', shop.merchant_id]);
      expect(notPlatform.code).toBe(1);
      expect(notPlatform.stderr).toContain(`--merchant ${shop.merchant_id} is not the platform merchant`);

      const elsewhere = await mint(Wallet.createRandom().address, usdc(1));
      const refused = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', elsewhere]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('pays no ledger asset to the treasury Safe');

      // --into hot-wallet: the hot wallet's start funding is booked already; a deposit into the Safe is not the hot wallet's.
      const hotWallet = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', chainByName('local-a').hotWalletFundingTx, '--into', 'hot-wallet']);
      expect(hotWallet.code, hotWallet.stderr).toBe(0);
      expect(JSON.parse(hotWallet.stdout)).toMatchObject({ account: 'hot_wallet', transfers: [{ outcome: 'already_booked', amount: '1000000000000', to: chainByName('local-a').hotWallet }] });
      const wrongAccount = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', tx, '--into', 'hot-wallet']);
      expect(wrongAccount.code).toBe(1);
      expect(wrongAccount.stderr).toContain('pays no ledger asset to a hot wallet of the chain');
      const unknown = await cli.run(['treasury', 'fund', '--chain', 'local-a', '--tx', tx, '--into', 'sideways']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('--into "sideways" is not an account funding is booked into');
    } finally {
      cli.cleanup();
    }
  });
});
