// The bench's own payout world on a running stack, after test/support/isolated.ts (which needs
// vitest's inject): a fresh table with the stack table's schema, so the stack's stream consumers
// never see it, a check queue nobody consumes, and a hot wallet of its own, so the bench drives
// chain-submit and chain-check itself and owns every nonce of that wallet.
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateQueueCommand, DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { ChainRegistry } from '#lib/chains/registry.js';
import { platformDefaultRules } from '#lib/compliance/risk/rules.js';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant, getMerchantProfile } from '#lib/merchants/merchants.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import type { PaymentDeps } from '#lib/money/payments/deps.js';
import { createPaymentBodySchema, type Payment } from '#lib/money/payments/schemas.js';
import type { PayoutDeps } from '#lib/money/payouts/deps.js';
import { retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { requestFingerprint } from '#lib/platform/idempotency/store.js';
import { localChainRegistry } from '../scripts/stack/registry.js';
import { createTableLike } from '../scripts/stack/tables.js';
import { fundAddress } from '../scripts/stack/chains.js';
import { localCredentials } from '../scripts/stack/provision.js';
import type { StackInfo } from '../scripts/stack/types.js';

export type PayoutWorld = Awaited<ReturnType<typeof payoutWorld>>;

export async function payoutWorld(stack: StackInfo, chainName: string, funding: { gasWei: bigint; usdcMinor: bigint }) {
  const common = { region: stack.region, credentials: localCredentials, maxAttempts: 8 };
  const dynamodb = retryTransactionConflicts(new DynamoDBClient({ ...common, endpoint: stack.endpoints.dynamodb }));
  const sqs = new SQSClient({ ...common, endpoint: stack.endpoints.sqs });
  const kms = new KMSClient({ ...common, endpoint: stack.endpoints.kms });
  const kmsCalls = countCommands(kms);

  const tableName = await createTableLike(dynamodb, stack.tableName, `lanepay-bench-${randomUUID().slice(0, 8)}`);
  const checkQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-bench-check-${randomUUID().slice(0, 8)}` }))).QueueUrl!;

  const stackChain = stack.chains.find((c) => c.name === chainName);
  if (!stackChain) throw new Error(`the stack has no chain ${chainName}`);
  const key = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' }));
  const chain = { ...localChainRegistry([stackChain]).get(chainName)!, hotWalletKeyId: key.KeyMetadata!.KeyId! };
  const chains = new ChainRegistry([chain]);
  const adapter = new EvmAdapter(chain, kms);
  const hotWallet = await adapter.hotWalletAddress();
  await fundAddress(stackChain, hotWallet, funding);

  const payments: PaymentDeps = { dynamodb, tableName, chains, riskDefaults: platformDefaultRules, holdExpiryMs: 3600_000, now: () => new Date() };
  const payouts: PayoutDeps = {
    dynamodb, sqs, tableName, chains,
    adapter: () => adapter,
    checkQueueUrl, checkDelaySeconds: 0,
    // Longer than any run: a fee bump would add signatures the bench does not mean to measure.
    stuckAfterMs: 600_000,
    now: () => new Date(),
    signal: () => {},
  };
  const merchantDeps = { dynamodb, kms, tableName, apiKeyDigestKeyId: stack.keys.ApiKeyDigestKey!, stage: 'local' as const, assets: ['USDC'] };
  const created = await createMerchant(merchantDeps, { name: 'payout-bench' });
  await creditSandboxFunds(merchantDeps, { merchantId: created.merchant_id, asset: 'USDC', amountMinor: funding.usdcMinor, transferId: `trf_bench_${randomUUID()}` });
  const merchant = await getMerchantProfile(merchantDeps, created.merchant_id);

  /** An automatically captured payment to a fresh address: status processing, payout not yet submitted. */
  async function capturedPayment(amountMinor: bigint): Promise<Payment> {
    const body = createPaymentBodySchema.parse({ amount: amountMinor.toString(), asset: 'USDC', chain: chainName, destination: randomAddress() });
    const result = await authorizePayment(payments, { merchant, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/payments', body), body });
    if (result.payment.status !== 'processing') throw new Error(`payment not captured: ${JSON.stringify(result.payment)}`);
    return result.payment;
  }

  async function dispose(): Promise<void> {
    // The stack is stopped right after, and its emulators keep nothing: this only tidies a long-lived stack.
    await Promise.allSettled([dynamodb.send(new DeleteTableCommand({ TableName: tableName })), sqs.send(new DeleteQueueCommand({ QueueUrl: checkQueueUrl }))]);
    for (const client of [dynamodb, sqs, kms]) client.destroy();
  }

  return { tableName, payouts, adapter, hotWallet, rpcUrl: stackChain.rpcUrl, kmsCalls, capturedPayment, dispose };
}

/**
 * Counts the commands sent through a KMS client by name (`SignCommand`, `GetPublicKeyCommand`).
 * At the initialize step, so an SDK retry of one call is not counted twice.
 */
function countCommands(kms: KMSClient): Map<string, number> {
  const counts = new Map<string, number>();
  kms.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'lanepayBenchCountCommands' },
  );
  return counts;
}

function randomAddress(): string {
  return `0x${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '').slice(0, 8)}`;
}
