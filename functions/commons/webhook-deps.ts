import { lookup } from 'node:dns/promises';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { pinnedTransport, type WebhookDeps, type WebhookSignal } from '#notify';
import { dynamodbClient, kmsClient, loadConfig, logger, metrics, sqsClient, webhooksConfigSchema } from '#platform';

const metricBySignal: Record<WebhookSignal['kind'], string> = {
  delivery_exhausted: 'WebhookDeliveryExhausted',
  endpoint_disabled: 'WebhookEndpointDisabled',
  circuit_opened: 'WebhookCircuitOpened',
};

let deps: WebhookDeps | undefined;

/** Webhook dependencies, once per container, from the validated environment. */
export function webhookDeps(): WebhookDeps {
  if (deps) return deps;
  const config = loadConfig(webhooksConfigSchema);
  deps = {
    dynamodb: dynamodbClient(),
    sqs: sqsClient(),
    kms: kmsClient(),
    tableName: config.TABLE_NAME,
    stage: config.STAGE,
    dataKeyId: config.DATA_KEY_ID,
    deliveryQueueUrl: config.WEBHOOK_DELIVERY_QUEUE_URL,
    deliveryDeadLetterQueueUrl: config.WEBHOOK_DELIVERY_DLQ_URL,
    retryScheduleSeconds: config.WEBHOOK_RETRY_SCHEDULE_SECONDS,
    disableAfterMs: config.WEBHOOK_DISABLE_AFTER_SECONDS * 1000,
    secretOverlapMs: config.WEBHOOK_SECRET_OVERLAP_SECONDS * 1000,
    resolve: (hostname) => lookup(hostname, { all: true, verbatim: true }),
    transport: pinnedTransport,
    logger,
    // The metric names the operator alarms in infra/webhooks.yml watch; no endpoint dimension (cardinality).
    signal: (signal) => {
      logger.warn(signal.kind, { ...signal });
      metrics.addMetric(metricBySignal[signal.kind], MetricUnit.Count, 1);
    },
    now: () => new Date(),
    random: Math.random,
  };
  return deps;
}
