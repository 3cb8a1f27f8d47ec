import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { ChainRegistry } from '#lib/chains/registry.js';
import { platformDefaultRules } from '#lib/compliance/risk/rules.js';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant, getMerchantProfile, updateMerchantProfile, type MerchantDeps } from '#lib/merchants/merchants.js';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import type { PaymentDeps } from '#lib/money/payments/deps.js';
import { merchantPaymentsPartition } from '#lib/money/payments/items.js';
import { retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { localChainRegistry } from '../../scripts/stack/registry.js';
import { localCredentials, stack } from './stack.js';

/** SDK clients pointed at the test stack's emulators. */
export function clients() {
  const info = stack();
  const common = { region: info.region, credentials: localCredentials, maxAttempts: 8 };
  return {
    dynamodb: retryTransactionConflicts(new DynamoDBClient({ ...common, endpoint: info.endpoints.dynamodb })),
    kms: new KMSClient({ ...common, endpoint: info.endpoints.kms }),
    sqs: new SQSClient({ ...common, endpoint: info.endpoints.sqs }),
  };
}

export function chainRegistry(): ChainRegistry {
  return localChainRegistry(stack().chains);
}

export function paymentDeps(overrides: Partial<PaymentDeps> = {}): PaymentDeps {
  return {
    dynamodb: clients().dynamodb,
    tableName: stack().tableName,
    chains: chainRegistry(),
    riskDefaults: platformDefaultRules,
    holdExpiryMs: 7 * 24 * 3600_000,
    now: () => new Date(),
    ...overrides,
  };
}

/**
 * `count` Lambda containers' worth of payment deps, each with clients of its own: writers sharing a
 * client take turns on a merchant's audit chain (lib/audit/writer.ts), while those of different
 * containers race on it and on the ledger as they do on AWS.
 */
export function containerDeps(count: number, overrides: Partial<PaymentDeps> = {}): PaymentDeps[] {
  return Array.from({ length: count }, () => paymentDeps(overrides));
}

export function merchantDeps(): MerchantDeps {
  const { dynamodb, kms } = clients();
  return { dynamodb, kms, tableName: stack().tableName, apiKeyDigestKeyId: stack().keys.ApiKeyDigestKey!, stage: 'local', assets: ['USDC'] };
}

/** A new merchant with `fundedMinor` USDC of sandbox funds and optional profile changes. */
export async function fundedMerchant(fundedMinor: bigint, change?: (p: MerchantProfile) => MerchantProfile, tableName = stack().tableName) {
  const deps = { ...merchantDeps(), tableName };
  const created = await createMerchant(deps, { name: `test-${randomUUID().slice(0, 8)}` });
  if (fundedMinor > 0n) {
    await creditSandboxFunds({ ...deps }, { merchantId: created.merchant_id, asset: 'USDC', amountMinor: fundedMinor, transferId: `trf_fund_${randomUUID()}` });
  }
  const profile = change ? await updateMerchantProfile(deps, created.merchant_id, change) : await getMerchantProfile(deps, created.merchant_id);
  return { ...created, profile };
}

/** Every ledger account item (merchant accounts and platform shards) in the table. */
export async function allAccountItems(tableName = stack().tableName) {
  return scanPrefix('ACCOUNT#', tableName);
}

/** Every balance transaction of every merchant (BALTXN#). */
export async function allBalanceTransactionItems(tableName = stack().tableName) {
  return scanPrefix('BALTXN#', tableName);
}

async function scanPrefix(prefix: string, tableName: string) {
  const { dynamodb } = clients();
  const items = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :a)', ExpressionAttributeValues: { ':a': { S: prefix } }, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
}

export async function merchantPayments(merchantId: string) {
  const result = await clients().dynamodb.send(
    new QueryCommand({ TableName: stack().tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: merchantPaymentsPartition(merchantId) } } }),
  );
  return result.Items ?? [];
}

export const usdc = (whole: number | bigint) => BigInt(whole) * 1_000_000n;
export const someAddress = () => `0x${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '').slice(0, 8)}`;
