import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import { assertPlatformMerchant } from '#merchants';
import { dynamodbClient, liquidityConfigSchema, loadConfig } from '#platform';
import { readLiquidity, readTreasuryStatus } from '#treasury';
import { chainAdapters } from '../commons/chain-adapters.js';

const config = loadConfig(liquidityConfigSchema);
// An operator waits on these pages: a node that does not answer within 3 s is reported, not waited for.
const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY, { timeoutMs: 3_000 });
const deps = { dynamodb: dynamodbClient(), tableName: config.TABLE_NAME, chains, adapter, reader: (chain: string) => adapter(chain).rpc };

// The treasury's view reads the same wallets, forecasts and chains as the liquidity view: served here
// rather than by a function of its own, which would carry the chain adapters a second time.
const routes: Record<string, (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> = {
  /** The platform merchant's hot wallets, plans and forecasts; 403 `platform_only` to others. */
  '/v1/liquidity': httpHandler({ query: z.strictObject({}) }, async (r) => {
    assertPlatformMerchant(profileFromAuthorizer(r.authorizer), 'GET /v1/liquidity');
    return { status: 200, body: await readLiquidity(deps) };
  }),
  /** The treasury per chain (Safe, owners, balances, hot wallets against plan) and its open proposals; 403 `platform_only` to others. */
  '/v1/treasury': httpHandler({ query: z.strictObject({}) }, async (r) => {
    assertPlatformMerchant(profileFromAuthorizer(r.authorizer), 'GET /v1/treasury');
    return { status: 200, body: await readTreasuryStatus({ ...deps, platformMerchantId: r.merchantId }) };
  }),
};

/** GET routes of the liquidity function, dispatched on the resource API Gateway matched. */
export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  const route = routes[event.resource];
  if (!route) throw new Error(`liquidity: no route for ${event.resource}`);
  return route(event, context);
};
