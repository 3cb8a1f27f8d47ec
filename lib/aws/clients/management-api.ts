import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { tracer } from '../../observability/powertools.js';

let management: ApiGatewayManagementApiClient | undefined;

/**
 * The WebSocket API's management API (PostToConnection). It has no regional default endpoint: the
 * endpoint names the API and its stage, so it comes from configuration.
 */
export function managementApiClient(endpoint: string): ApiGatewayManagementApiClient {
  management ??= tracer.captureAWSv3Client(new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 2 }));
  return management;
}
