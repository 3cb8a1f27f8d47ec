import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { randomUUID } from 'node:crypto';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { ChainRegistry, type Chain } from '#lib/chains/registry.js';
import { FailoverRpc } from '#lib/chains/rpc.js';
import { platformDefaultRules } from '#lib/compliance/risk/rules.js';
import type { PaymentDeps } from '#lib/money/payments/deps.js';
import type { PayoutDeps, PayoutSignal } from '#lib/money/payouts/deps.js';
import { chainRegistry, clients } from './deps.js';
import { fundAddress } from '../../scripts/stack/chains.js';
import { bookFundingWhenFinal } from '../../scripts/stack/funding.js';
import { createTableLike } from '../../scripts/stack/tables.js';
import { stack } from './stack.js';

/**
 * A payment world of its own on the real emulators and chains: a fresh table with the stack
 * table's schema (so no stream consumer of the stack sees it) and a check queue nobody consumes,
 * so a test drives chain-submit and chain-check itself and can inject faults around them.
 */
export async function isolatedWorld(options: { fund?: boolean; chainOverrides?: (chain: Chain) => Chain; rpc?: (chain: Chain) => FailoverRpc } = {}) {
  const { dynamodb, sqs, kms } = clients();
  const tableName = await isolatedTable();
  const checkQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-test-check-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
  // Hot wallets of its own: the stack's chain-submit owns the nonces of the stack's wallets.
  const ownKeys = await Promise.all(chainRegistry().chains.map(async (chain) => ({ ...chain, hotWalletKeyId: await newHotWalletKey() })));
  const chains = new ChainRegistry(ownKeys.map((chain) => options.chainOverrides?.(chain) ?? chain));
  const adapters = new Map(chains.chains.map((chain) => [chain.name, new EvmAdapter(chain, kms, options.rpc?.(chain))]));
  // The mints that funded the world's hot wallets: bookWorldFunding books them when a test compares the wallets with the ledger.
  const funding: { chain: string; txHash: string }[] = [];
  if (options.fund !== false) {
    await Promise.all([...adapters.values()].map(async (adapter) => {
      const chain = stack().chains.find((c) => c.name === adapter.chain)!;
      const { usdcTx } = await fundAddress(chain, await adapter.hotWalletAddress(), { gasWei: 10n ** 19n, usdcMinor: 1_000_000_000n });
      funding.push({ chain: chain.name, txHash: usdcTx! });
    }));
  }
  const signals: PayoutSignal[] = [];
  const payments: PaymentDeps = { dynamodb, tableName, chains, riskDefaults: platformDefaultRules, holdExpiryMs: 3600_000, now: () => new Date() };
  const payouts: PayoutDeps = {
    dynamodb, sqs, tableName, chains,
    adapter: (name) => adapters.get(name)!,
    checkQueueUrl, checkDelaySeconds: 0, stuckAfterMs: 60_000,
    now: () => new Date(),
    signal: (signal) => signals.push(signal),
  };
  return { tableName, payments, payouts, signals, adapters, kms, funding };
}

/**
 * Books the world's hot-wallet funding in its table (hotwallet:<chain> ← funding:<chain>), as the
 * stack books its own: for a test whose reconciler compares the world's hot wallets with its ledger.
 */
export async function bookWorldFunding(world: Awaited<ReturnType<typeof isolatedWorld>>): Promise<void> {
  const deps = { dynamodb: world.payouts.dynamodb, tableName: world.tableName, chains: world.payouts.chains, adapter: (name: string) => world.adapters.get(name)!, now: () => new Date() };
  for (const { chain, txHash } of world.funding) await bookFundingWhenFinal(deps, { chain, txHash, into: 'hot_wallet' });
}

/**
 * A fresh table with the stack table's schema and no stream consumer: for tests that move the
 * clock or sweep the whole table, so they cannot touch other tests' payments. With `stream`, it
 * has a stream only the test reads (test/support/outbox-mapping.ts).
 */
export async function isolatedTable(options: { stream?: boolean } = {}): Promise<string> {
  return createTableLike(clients().dynamodb, stack().tableName, `lanepay-test-${randomUUID().slice(0, 8)}`, options);
}

/** A new, unfunded secp256k1 KMS key: a hot wallet of the test's own. */
export async function newHotWalletKey(): Promise<string> {
  const key = await clients().kms.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' }));
  return key.KeyMetadata!.KeyId!;
}
