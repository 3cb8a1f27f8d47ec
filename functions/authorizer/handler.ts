import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { allowMember, allowMerchant, allowSession, denyKey, usageKeyOf } from '#api/http/authorizer-result.js';
import { authenticateKey, authenticateMember, authenticateSession, KeyCheckCache, memberBearer, sessionBearer } from '#merchants';
import { authorizerConfigSchema, dynamodbClient, kmsClient, loadConfig, logger, UnauthorizedError } from '#platform';

const config = loadConfig(authorizerConfigSchema);
const deps = {
  dynamodb: dynamodbClient(),
  kms: kmsClient(),
  tableName: config.TABLE_NAME,
  apiKeyDigestKeyId: config.API_KEY_DIGEST_KEY_ID,
  // Per container: refused keys and verified keys, so a flood of made-up keys never reaches KMS.
  keyCache: new KeyCheckCache(),
  acceptLegacyKeys: config.LEGACY_KEYS === 'accept',
  sessionKeyId: config.CONSOLE_SESSION_KEY_ID,
  now: () => new Date(),
};

const authorize = async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  try {
    const sessionToken = sessionBearer(event.authorizationToken);
    if (sessionToken !== undefined) {
      // A console session (the console's proxy): its member's role names the routes (api/http/console-routes.ts).
      const session = await authenticateSession(deps, sessionToken);
      return allowSession(event.methodArn, session, usageKeyOf(session.profile, config.SHARED_USAGE_KEY));
    }
    const memberKey = memberBearer(event.authorizationToken);
    if (memberKey !== undefined) {
      // A member key reaches the approval endpoints only: its (cached) policy names just those.
      const member = await authenticateMember(deps, memberKey);
      return allowMember(event.methodArn, member, usageKeyOf(member.profile, config.SHARED_USAGE_KEY));
    }
    const { profile, keyId } = await authenticateKey(deps, event.authorizationToken);
    return allowMerchant(event.methodArn, profile, usageKeyOf(profile, config.SHARED_USAGE_KEY), keyId);
  } catch (error) {
    // Anything else (KMS or DynamoDB throttled or down) is thrown: AUTHORIZER_FAILURE, a 503 with
    // Retry-After (infra/api.yml), and never cached.
    if (!(error instanceof UnauthorizedError)) throw error;
    logger.info('API key refused', { reason: error.detail });
    return denyKey(event.methodArn);
  }
};

export const handler = middy(authorize).use(injectLambdaContext(logger, { resetKeys: true }));
