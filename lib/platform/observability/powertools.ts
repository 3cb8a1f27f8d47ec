import { Logger, LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { currentTraceScope, objectKeyOf, traceIdOf } from './trace.js';

/**
 * Powertools' own JSON layout (the keys of its PowertoolsLogFormatter, which the package does not
 * export), plus the trace of what the line is about: `trace_id`, and `payment_id` or `charge_id`.
 * Invocation-wide keys are the logger's temporary keys (`appendKeys`, cleared by
 * `injectLambdaContext({ resetKeys: true })` after each invocation). A batch's records are worked on
 * in parallel, where one set of logger keys cannot hold each record's: a line inside a record's
 * trace scope (lib/platform/observability/trace.ts) gets that record's ids; a line about one object
 * of a batch names it (`payment_id`) and gets that object's trace id.
 */
export class TraceLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: { ...base, ...traceKeys(additional) } }).addAttributes(additional);
  }
}

function traceKeys(line: LogAttributes): LogAttributes {
  const scope = currentTraceScope();
  if (!scope) return {};
  const named = typeof line.payment_id === 'string' ? line.payment_id : typeof line.charge_id === 'string' ? line.charge_id : undefined;
  const subject = named ?? scope.subject;
  const traceId = traceIdOf((subject === undefined ? undefined : scope.byObject.get(subject)) ?? scope.header);
  const key = objectKeyOf(subject);
  return { ...(traceId && line.trace_id === undefined ? { trace_id: traceId } : {}), ...(key && named === undefined ? { [key]: subject } : {}) };
}

/**
 * One logger, tracer and metrics instance per container. Service name and namespace come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE, set per function in serverless.yml.
 */
export const logger = new Logger({ logFormatter: new TraceLogFormatter() });
export const tracer = new Tracer();
export const metrics = new Metrics();
