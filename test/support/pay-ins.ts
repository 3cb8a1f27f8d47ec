import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Contract, NonceManager, Wallet, type JsonRpcProvider } from 'ethers';
import { randomUUID } from 'node:crypto';
import type { ChainRegistry } from '#lib/chains/registry.js';
import { FailoverRpc } from '#lib/chains/rpc.js';
import { merchantAccount } from '#lib/ledger/accounts.js';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import { createCharge } from '#lib/money/charges/create.js';
import type { ChargeDeps } from '#lib/money/charges/deps.js';
import { readChargeRecord } from '#lib/money/charges/query.js';
import type { Charge, CreateChargeBody } from '#lib/money/charges/schemas.js';
import { watchChain, type WatchDeps } from '#lib/money/charges/watch.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { fundAddress, localProvider } from '../../scripts/stack/chains.js';
import { chainRegistry, clients, fundedMerchant } from './deps.js';
import { isolatedTable } from './isolated.js';
import { stack } from './stack.js';
import { waitFor } from './wait.js';

/**
 * How long a test waits for the stack's own chain-watch to credit a charge on a quiet chain: the
 * watcher runs on a schedule (locally 25 s of each minute), so a payment may wait for the next run.
 */
export const stackWatchDeadlineMs = 150_000;

const usdcAbi = ['function transfer(address to, uint256 amount) returns (bool)'];

/** A customer's wallet on one chain, funded with gas and test USDC, sending with locally counted nonces. */
export async function payerOn(chain: { name: string; rpcUrl: string; chainId: number; usdcAddress: string }, usdcMinor = 10n ** 12n) {
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  const wallet = Wallet.createRandom().connect(provider);
  await fundAddress(chain, wallet.address, { gasWei: 10n ** 19n, usdcMinor });
  const signer = new NonceManager(wallet);
  const usdc = new Contract(chain.usdcAddress, usdcAbi, signer);
  return {
    address: wallet.address,
    provider: provider as JsonRpcProvider,
    /** Sends USDC (token units) and resolves once it is mined. */
    async pay(to: string, amount: bigint) {
      const tx = await usdc.getFunction('transfer').send(to, amount);
      return (await tx.wait())!;
    },
    /** Forgets the locally counted nonce (after the chain was reverted under it). */
    reset() {
      signer.reset();
    },
    /** Sends without waiting for the block. */
    async send(to: string, amount: bigint) {
      return usdc.getFunction('transfer').send(to, amount);
    },
  };
}

/**
 * A pay-in world of its own: a fresh table (no stack function sees it), a merchant with a fee,
 * the stack's chains with their deposit factories, and the watcher driven by the test.
 */
export async function payInWorld(options: { chains?: ChainRegistry; feeBps?: number; lookback?: number } = {}) {
  const { dynamodb } = clients();
  const tableName = await isolatedTable();
  const chains = options.chains ?? chainRegistry();
  const merchant = await fundedMerchant(0n, (p) => ({ ...p, fee: { bps: options.feeBps ?? 100, fixedMinor: '0' } }), tableName);
  const rpcs = new Map(chains.chains.map((c) => [c.name, new FailoverRpc(c.name, c.chainId, c.rpcUrls)]));
  const charges: ChargeDeps = { dynamodb, tableName, chains, checkoutBaseUrl: `${stack().apiUrl}/checkout`, now: () => new Date() };
  const watch: WatchDeps = {
    dynamodb, tableName, chains, rpc: (name) => rpcs.get(name)!, now: () => new Date(),
    maxBlocksPerQuery: 500, initialLookbackBlocks: options.lookback ?? 2,
  };
  const profile: MerchantProfile = merchant.profile;
  return {
    tableName, merchantId: merchant.merchant_id, profile, charges, watch,
    async open(body: Omit<CreateChargeBody, 'asset'> & { asset?: string }, deps: ChargeDeps = charges): Promise<Charge> {
      const full = { asset: 'USDC', ...body };
      return (await createCharge(deps, { merchant: profile, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/charges', full), body: full })).charge;
    },
    async charge(id: string): Promise<Charge> {
      return (await readChargeRecord(charges, id))!.charge;
    },
    async available(): Promise<bigint> {
      const item = (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `ACCOUNT#${merchantAccount(merchant.merchant_id, 'USDC')}` }, sk: { S: 'ACCOUNT' } }, ConsistentRead: true }))).Item;
      return BigInt(item?.available?.N ?? '0');
    },
    /** Runs watcher passes over `names` until `probe` holds. */
    async watchUntil<T>(what: string, names: string[], probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
      return waitFor(what, async () => {
        for (const name of names) await watchChain(watch, name);
        return probe();
      }, { timeoutMs, intervalMs: 250 });
    },
  };
}

export const anyTxHash = () => `0x${randomUUID().replace(/-/g, '').padEnd(64, '0')}`;
