import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { closePeriod, type CloseResult } from '#audit';
import { logger, metrics } from '#platform';
import { auditDeps } from '../commons/audit-deps.js';

const deps = auditDeps();

/** Kept back from the Lambda's remaining time for signing, storing and anchoring a period, and returning. */
const reserveMs = (remainingMs: number) => Math.max(5_000, remainingMs / 5);

/**
 * Scheduled (infra/settings.yml auditSchedule): closes an audit period, signs and anchors its root.
 * A close works in bounded steps until its deadline; a period it cannot finish stays open and the
 * next run carries it on first, then opens its own (docs/audit.md, "Closing a period").
 */
export const handler = middy(async (_event: unknown, context: Context) => {
  const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - reserveMs(context.getRemainingTimeInMillis());
  let result: CloseResult = await closePeriod(deps, { deadlineMs });
  if (result.done && result.resumed && Date.now() < deadlineMs) result = await closePeriod(deps, { deadlineMs });
  metrics.addMetric('AuditRecordsClosed', MetricUnit.Count, result.records);
  metrics.addMetric('AuditChainsSkipped', MetricUnit.Count, result.skipped.length);
  const summary = {
    periodId: result.periodId, done: result.done, root: result.period?.digest.root, anchor: result.period?.anchor, lanesWalked: result.lanesWalked,
    lanes: result.lanes, merchants: result.merchants, records: result.records, skipped: result.skipped, reanchored: result.reanchored,
  };
  logger.info(result.done ? 'audit period closed' : 'audit period partly closed; the next run carries it on', summary);
  return summary;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
