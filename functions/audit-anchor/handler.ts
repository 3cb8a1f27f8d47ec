import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { closePeriod } from '../../lib/audit/period.js';
import { logger, metrics } from '../../lib/observability/powertools.js';
import { auditDeps } from '../commons/audit-deps.js';

const deps = auditDeps();

/** Scheduled (infra/settings.yml auditSchedule): closes an audit period, signs and anchors its root. */
export const handler = middy(async () => {
  const result = await closePeriod(deps);
  metrics.addMetric('AuditRecordsClosed', MetricUnit.Count, result.records);
  metrics.addMetric('AuditChainsSkipped', MetricUnit.Count, result.skipped.length);
  const summary = { periodId: result.period?.digest.period_id, root: result.period?.digest.root, anchor: result.period?.anchor, merchants: result.merchants, records: result.records, skipped: result.skipped, reanchored: result.reanchored };
  logger.info('audit period closed', summary);
  return summary;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
