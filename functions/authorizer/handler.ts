import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { dynamodbClient, kmsClient } from '../../lib/aws/clients.js';
import { authorizerConfigSchema, loadConfig } from '../../lib/aws/config.js';
import { UnauthorizedError } from '../../lib/errors/index.js';
import { authenticateApiKey } from '../../lib/merchants/authenticate.js';
import { authorizerContext } from '../../lib/merchants/authorizer-context.js';
import { logger } from '../../lib/observability/powertools.js';

const config = loadConfig(authorizerConfigSchema);
const deps = { dynamodb: dynamodbClient(), kms: kmsClient(), tableName: config.TABLE_NAME, apiKeyDigestKeyId: config.API_KEY_DIGEST_KEY_ID };

const authorize = async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  try {
    const profile = await authenticateApiKey(deps, event.authorizationToken);
    return {
      principalId: profile.id,
      // Allow the whole API, not just this method: API Gateway caches the policy per key for all routes.
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: apiWildcard(event.methodArn) }] },
      context: authorizerContext(profile),
    };
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    logger.info('API key refused', { reason: error.detail });
    // The exact string API Gateway turns into 401 (rendered as problem+json by infra/api.yml).
    throw new Error('Unauthorized');
  }
};

function apiWildcard(methodArn: string): string {
  const [arnPrefix, stage] = methodArn.split('/');
  return `${arnPrefix}/${stage}/*`;
}

export const handler = middy(authorize).use(injectLambdaContext(logger, { resetKeys: true }));
