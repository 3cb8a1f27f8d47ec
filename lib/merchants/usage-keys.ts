import {
  ConflictException, CreateApiKeyCommand, CreateUsagePlanKeyCommand, paginateGetApiKeys, paginateGetUsagePlans, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import type { Stage } from '../aws/config.js';
import { UsagePlanMissingError } from './errors.js';
import { getMerchantProfile, updateMerchantProfile } from './merchants.js';

export interface UsageKeyDeps {
  stage: Stage;
  tableName: string;
  dynamodb: DynamoDBClient;
  apiGateway: APIGatewayClient;
}

/** The stage's usage plan, as osls names it (`<service>-<stage>`; infra/rate-limits.yml). */
export const usagePlanName = (stage: Stage) => `lanepay-${stage}`;
/** One API Gateway key per merchant, found again by this name when the command runs twice. */
export const usageKeyName = (stage: Stage, merchantId: string) => `lanepay-${stage}-${merchantId}`;

/**
 * Gives a merchant its own API Gateway key in the stage's usage plan, so its requests are throttled
 * apart from every other merchant's, and records the key's value in the profile, where the
 * authorizer reads it (usageIdentifierKey). Idempotent: a key or an association already there is
 * reused, so an interrupted run is finished by running it again.
 */
export async function assignUsageKey(deps: UsageKeyDeps, merchantId: string): Promise<{ merchantId: string; usageKeyId: string; usagePlanId: string }> {
  const profile = await getMerchantProfile(deps, merchantId);
  const usagePlanId = await findUsagePlan(deps);
  const key = (await findKey(deps, merchantId)) ?? (await createKey(deps, merchantId));
  try {
    await deps.apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
  if (profile.usageKey !== key.value) await updateMerchantProfile(deps, merchantId, (current) => ({ ...current, usageKey: key.value }));
  return { merchantId, usageKeyId: key.id, usagePlanId };
}

async function findUsagePlan(deps: UsageKeyDeps): Promise<string> {
  for await (const page of paginateGetUsagePlans({ client: deps.apiGateway }, {})) {
    const plan = page.items?.find((candidate) => candidate.name === usagePlanName(deps.stage));
    if (plan?.id) return plan.id;
  }
  throw new UsagePlanMissingError(usagePlanName(deps.stage), deps.stage);
}

async function findKey(deps: UsageKeyDeps, merchantId: string): Promise<{ id: string; value: string } | undefined> {
  const name = usageKeyName(deps.stage, merchantId);
  for await (const page of paginateGetApiKeys({ client: deps.apiGateway }, { nameQuery: name, includeValues: true })) {
    const key = page.items?.find((candidate) => candidate.name === name);
    if (key?.id && key.value) return { id: key.id, value: key.value };
  }
  return undefined;
}

async function createKey(deps: UsageKeyDeps, merchantId: string): Promise<{ id: string; value: string }> {
  // Random rather than derived from the id: values are unique per account and region, and a
  // deleted and recreated key must not collide with its predecessor.
  const value = `lanepay-${deps.stage}-usage-${randomBytes(16).toString('hex')}`;
  const created = await deps.apiGateway.send(new CreateApiKeyCommand({
    name: usageKeyName(deps.stage, merchantId),
    description: `Lanepay usage-plan key of ${merchantId} (not a secret: the key source is the authorizer)`,
    enabled: true,
    value,
  }));
  if (!created.id) throw new Error('API Gateway CreateApiKey returned no id');
  return { id: created.id, value };
}
