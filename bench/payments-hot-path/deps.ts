import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { randomUUID } from 'node:crypto';
import { ChainRegistry } from '#lib/chains/registry.js';
import { platformDefaultRules } from '#lib/compliance/risk/rules.js';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { createMerchant, getMerchantProfile, type MerchantDeps } from '#lib/merchants/merchants.js';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import type { PaymentDeps } from '#lib/money/payments/deps.js';
import { retryTransactionConflicts } from '#lib/platform/aws/transaction-conflicts.js';
import { localCredentials } from '../../scripts/stack/provision.js';
import type { StackInfo } from '../../scripts/stack/types.js';
import { localChainRegistry } from '../../scripts/stack/registry.js';

// Built the way test/support/deps.ts builds them, from the StackInfo in hand instead of vitest's inject.

/** A DynamoDB client that counts the requests sent through it (middleware, not a mock: they all reach moto). */
export interface CountingDynamoDB {
  client: DynamoDBClient;
  requests(): number;
}

export function countingDynamoDB(info: StackInfo): CountingDynamoDB {
  let count = 0;
  const client = retryTransactionConflicts(new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb, maxAttempts: 8 }));
  // Low priority: anything a flow adds at 'initialize' with a higher priority (the Powertools
  // variant's interceptor) runs first, so a request it answers without sending is not counted.
  client.middlewareStack.add(
    (next) => async (args) => {
      count += 1;
      return next(args);
    },
    { step: 'initialize', priority: 'low', name: 'benchCountRequests' },
  );
  return { client, requests: () => count };
}

export function chainRegistry(info: StackInfo): ChainRegistry {
  return localChainRegistry(info.chains);
}

export function paymentDeps(info: StackInfo, dynamodb: DynamoDBClient): PaymentDeps {
  return {
    dynamodb,
    tableName: info.tableName,
    chains: chainRegistry(info),
    riskDefaults: platformDefaultRules,
    holdExpiryMs: 7 * 24 * 3600_000,
    now: () => new Date(),
  };
}

function merchantDeps(info: StackInfo, dynamodb: DynamoDBClient, kms: KMSClient): MerchantDeps {
  return { dynamodb, kms, tableName: info.tableName, apiKeyDigestKeyId: info.keys.ApiKeyDigestKey!, stage: 'local', assets: ['USDC'] };
}

/**
 * Merchants with `fundedMinor` USDC each and a 0.3 % fee, so the fee postings (automatic capture,
 * capture) are part of the measured transactions as they are for a real merchant.
 */
export async function fundedMerchants(info: StackInfo, count: number, fundedMinor: bigint): Promise<MerchantProfile[]> {
  const dynamodb = retryTransactionConflicts(new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb, maxAttempts: 8 }));
  const kms = new KMSClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.kms, maxAttempts: 8 });
  const deps = merchantDeps(info, dynamodb, kms);
  try {
    const profiles: MerchantProfile[] = [];
    // Sequential on purpose: moto takes one request at a time anyway.
    for (let i = 0; i < count; i += 1) {
      const created = await createMerchant(deps, { name: `bench-${randomUUID().slice(0, 8)}`, feeBps: 30 });
      await creditSandboxFunds(deps, { merchantId: created.merchant_id, asset: 'USDC', amountMinor: fundedMinor, transferId: `trf_fund_${randomUUID()}` });
      profiles.push(await getMerchantProfile(deps, created.merchant_id));
    }
    return profiles;
  } finally {
    dynamodb.destroy();
    kms.destroy();
  }
}
