import { APIGatewayClient, CreateRestApiCommand, CreateUsagePlanCommand, GetUsagePlanKeysCommand } from '@aws-sdk/client-api-gateway';
import { describe, expect, it } from 'vitest';
import { getMerchantProfile } from '#lib/merchants/merchants.js';
import { assignUsageKey, usagePlanName } from '#lib/merchants/usage-keys.js';
import { clients, fundedMerchant, merchantDeps } from '../support/deps.js';
import { localCredentials, stack } from '../support/stack.js';

// moto, the stack's DynamoDB emulator, also serves API Gateway's API keys and usage plans.
function apiGateway() {
  return new APIGatewayClient({ region: stack().region, credentials: localCredentials, endpoint: stack().endpoints.dynamodb });
}

describe('a merchant\'s own usage-plan key (lanepay merchant usage-key)', () => {
  it('is created once, joins the stage\'s usage plan and lands in the profile the authorizer reads, however often it runs', async () => {
    const client = apiGateway();
    const api = await client.send(new CreateRestApiCommand({ name: `usage-keys-${Date.now()}` }));
    const plan = await client.send(new CreateUsagePlanCommand({ name: usagePlanName('local'), apiStages: [{ apiId: api.id!, stage: 'local' }] }));
    const merchant = await fundedMerchant(0n);
    const deps = { stage: 'local' as const, tableName: stack().tableName, dynamodb: clients().dynamodb, apiGateway: client };

    const first = await assignUsageKey(deps, merchant.merchant_id);
    const again = await assignUsageKey(deps, merchant.merchant_id);

    expect(again).toEqual(first);
    expect(first.usagePlanId).toBe(plan.id);
    const keys = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id! }));
    const own = keys.items?.filter((key) => key.id === first.usageKeyId) ?? [];
    expect(own).toHaveLength(1);
    const profile = await getMerchantProfile(merchantDeps(), merchant.merchant_id);
    expect(profile.usageKey).toBe(own[0]!.value);
    expect(profile.usageKey).toMatch(/^lanepay-local-usage-[0-9a-f]{32}$/);
  });
});
