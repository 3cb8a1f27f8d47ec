import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { managementApiClient } from '../../lib/aws/clients/management-api.js';
import { loadConfig, realtimePushConfigSchema } from '../../lib/aws/config.js';
import { logger } from '../../lib/observability/powertools.js';
import type { RealtimeDeps } from '../../lib/realtime/deps.js';

let deps: RealtimeDeps | undefined;

/** What pushEvent needs, built once per container; for any function that pushes events to browsers. */
export function realtimeDeps(): RealtimeDeps {
  if (deps) return deps;
  const config = loadConfig(realtimePushConfigSchema);
  deps = {
    dynamodb: dynamodbClient(),
    tableName: config.TABLE_NAME,
    now: () => new Date(),
    management: managementApiClient(config.REALTIME_MANAGEMENT_ENDPOINT),
    postFailed: ({ connectionId, eventId, error }) => logger.warn('realtime push failed', { connectionId, eventId, error }),
  };
  return deps;
}
