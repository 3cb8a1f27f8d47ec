import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics } from '#platform';
import { reconcile } from '#treasury';
import { reconcileDeps } from '../commons/reconcile-deps.js';

const { deps, olderThanMs } = reconcileDeps();

/** Scheduled (infra/settings.yml reconcileSchedule): one reconciliation, its findings as metrics and logs. */
export const handler = middy(async () => {
  const report = await reconcile(deps, { olderThanMs, dryRun: false });
  // ReconcileRuns feeds the stale alarm; ReconcileDiscrepancy (raised and unchecked) the discrepancy alarm.
  metrics.addMetric('ReconcileRuns', MetricUnit.Count, 1);
  metrics.addMetric('ReconcileRedriven', MetricUnit.Count, report.redriven.length);
  metrics.addMetric('ReconcileDiscrepancy', MetricUnit.Count, report.raised.length + report.errors.length);
  for (const finding of report.raised) {
    const perKind = metrics.singleMetric();
    perKind.addDimension('kind', finding.kind);
    perKind.addMetric('ReconcileDiscrepancy', MetricUnit.Count, 1);
  }
  for (const finding of report.redriven) logger.info('re-driven', { ...finding });
  for (const finding of report.raised) logger.warn('discrepancy', { ...finding });
  for (const error of report.errors) logger.warn('not checked', { ...error });
  for (const skipped of report.skipped) logger.info(`${skipped.account === 'treasury' ? 'treasury' : 'hot wallets'} not compared this run`, { ...skipped });
  return { checked: report.checked, redriven: report.redriven.length, raised: report.raised.length, errors: report.errors.length };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
