// Platform: AWS clients and configuration, ids, errors, logging and metrics, idempotency. It
// knows no domain.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#platform).
export { dynamodbClient } from './aws/clients/dynamodb.js';
export { glueClient } from './aws/clients/glue.js';
export { kmsClient } from './aws/clients/kms.js';
export { managementApiClient } from './aws/clients/management-api.js';
export { s3Client } from './aws/clients/s3.js';
export { snsClient } from './aws/clients/sns.js';
export { sqsClient } from './aws/clients/sqs.js';
export {
  approvalsConfigSchema, auditAnchorConfigSchema, statementsConfigSchema, authorizerConfigSchema, baseConfigSchema, chainWatchConfigSchema,
  chargesConfigSchema, checkoutConfigSchema, consoleConfigSchema, forecastBatchConfigSchema, kycConfigSchema, liquidityConfigSchema, loadConfig, treasuryConfigSchema,
  outboxRelayConfigSchema, paymentsConfigSchema, refundsConfigSchema, payoutConfigSchema, realtimeConfigSchema, realtimePushConfigSchema,
  realtimeTokensConfigSchema, reconcileConfigSchema, reportsApiConfigSchema, reportsConfigSchema, webhooksConfigSchema,
} from './aws/config.js';
export type { Stage } from './aws/config.js';
export { dueItems } from './aws/due-items.js';
export { merchantOwner, openEnvelope, sealEnvelope } from './aws/envelope.js';
export type { Envelope } from './aws/envelope.js';
export { bigintAttribute, jsonAttribute, readItem } from './aws/item.js';
export { idRange, newestFirstInRange, newestFirstPage } from './aws/pages.js';
export type { IdRange, ListFilter, Page, PageRequest, TimeRangeQuery } from './aws/pages.js';
export { withRetryDeadline } from './aws/retry-deadline.js';
export { releaseForRetry } from './aws/sqs-release.js';
export { conditionFailedAt, isConditionRefusal, retryTransactionConflicts } from './aws/transaction-conflicts.js';
export {
  ConcurrentChangeError, ContentionError, LanepayError, NotFoundError, RateLimitedError, UnauthorizedError,
  ValidationError,
} from './errors/index.js';
export type { FieldProblem } from './errors/index.js';
export {
  acquireIdempotencyKey, completeIdempotencyItem, parseIdempotencyKey, releaseIdempotencyKey, requestFingerprint,
} from './idempotency/store.js';
export type { IdempotencyLock } from './idempotency/store.js';
export { idTimeMs, newId, ulidPattern } from './ids/index.js';
export { logger, metrics, tracer } from './observability/powertools.js';
export {
  currentTraceScope, isTraceHeader, mintTraceHeader, objectKeyOf, traceHeaderFor, traceHeaderOfRecord, traceIdOf,
  traceMessageAttributes, withTrace, withTraces, type TraceScope,
} from './observability/trace.js';
export {
  buildTimeline, formatTimeline, rowLabel, type InvocationReport, type LogLine, type Timeline, type TimelineRow,
} from './observability/timeline.js';
export {
  linesFromInsightsRows, LocalLogReader, logLineOf, objectLinesQuery, reportsFromInsightsRows, reportsQuery, tracedFunctions, traceLinesQuery,
} from './observability/log-lines.js';
export {
  errorBudget, parseEmfLine, reportRow, sloConfigSchema, tallyFromData,
  type MetricDatum, type Slo, type SloConfig, type SloReportRow, type SloTally,
} from './observability/slo.js';
export * as platformErrors from './errors/index.js';
export * as idempotencyErrors from './idempotency/errors.js';
