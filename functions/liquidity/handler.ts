import * as z from 'zod';
import { profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import { assertPlatformMerchant } from '#merchants';
import { dynamodbClient, liquidityConfigSchema, loadConfig } from '#platform';
import { readLiquidity } from '#treasury';
import { chainAdapters } from '../commons/chain-adapters.js';

const config = loadConfig(liquidityConfigSchema);
// An operator waits on this page: a node that does not answer within 3 s is reported, not waited for.
const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY, { timeoutMs: 3_000 });
const deps = { dynamodb: dynamodbClient(), tableName: config.TABLE_NAME, chains, adapter };

/** GET /v1/liquidity: the platform merchant's hot wallets, plans and forecasts; 403 `platform_only` to others. */
export const handler = httpHandler({ query: z.strictObject({}) }, async (r) => {
  assertPlatformMerchant(profileFromAuthorizer(r.authorizer), 'GET /v1/liquidity');
  return { status: 200, body: await readLiquidity(deps) };
});
