import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics } from '../../lib/observability/powertools.js';

/** The schedule's input (infra: `input: { action: ... }`), which tells a scheduled run from the function's other trigger. */
export interface ScheduledAction<A extends string> {
  action: A;
}

/**
 * One function, two triggers: `other` (an API or a queue) and the schedule whose input is `{ action }`.
 * The schedule's event carries nothing else, so `scheduled` takes no input.
 */
export function orScheduled<A extends string, E extends object>(
  action: A,
  scheduled: (event: ScheduledAction<A>, context: Context) => Promise<unknown>,
  other: (event: E, context: Context) => Promise<unknown>,
) {
  return async (event: E | ScheduledAction<A>, context: Context) =>
    'action' in event && event.action === action ? scheduled(event as ScheduledAction<A>, context) : other(event as E, context);
}

/**
 * A scheduled expiry sweep with its log line and metric: `metric` counts what the run expired, and
 * `report` may add what one sweep alone knows (a metric, an alarm's log line) before the summary.
 */
export function expirySweep<R extends { expired: number }>(
  sweep: () => Promise<R>,
  options: { metric: string; finished: string; report?: (result: R) => void },
) {
  return middy(async () => {
    const result = await sweep();
    metrics.addMetric(options.metric, MetricUnit.Count, result.expired);
    options.report?.(result);
    logger.info(options.finished, result);
    return result;
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
