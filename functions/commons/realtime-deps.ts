import type { RealtimeDeps } from '#notify';
import { dynamodbClient, loadConfig, logger, managementApiClient, realtimePushConfigSchema } from '#platform';

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
