import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { Slo, SloConfig, SloTally } from '#platform';
import { StackError } from '../../scripts/stack/errors.js';
import { CloudWatchLogsClient, functionLogGroup, insightsQuery } from '../metrics-log.js';

// infra/environment.yml POWERTOOLS_METRICS_NAMESPACE: the namespace every function's metrics are in.
const namespace = 'Lanepay';

/**
 * The SLOs' tallies on a deployed stage: event and bad counts from CloudWatch metrics over the whole
 * window as one period (ratio: sums; threshold: sample count and the percentile rank at the
 * threshold, as the alarms compute them), and the top causes from CloudWatch Logs Insights over the
 * EMF documents in the function's log group (its problem `code`, chain or endpoint).
 */
export async function awsSloTallies(config: SloConfig, stage: string, fromMs: number, untilMs: number): Promise<Map<string, SloTally>> {
  const cloudwatch = new CloudWatchClient({});
  const logs = new CloudWatchLogsClient({});
  try {
    const period = Math.ceil((untilMs - fromMs) / 60_000) * 60;
    const queries = config.slos.flatMap((slo, i) => metricQueries(slo, i, period));
    const values = new Map<string, number>();
    let nextToken: string | undefined;
    do {
      const page = await cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(fromMs), EndTime: new Date(untilMs), NextToken: nextToken }));
      for (const result of page.MetricDataResults ?? []) values.set(result.Id!, (values.get(result.Id!) ?? 0) + (result.Values ?? []).reduce((a, b) => a + b, 0));
      nextToken = page.NextToken;
    } while (nextToken);
    const tallies = new Map<string, SloTally>();
    for (const [i, slo] of config.slos.entries()) {
      const events = Math.round(values.get(`events${i}`) ?? 0);
      const bad = slo.sli.kind === 'ratio'
        ? Math.round(values.get(`bad${i}`) ?? 0)
        : Math.round((events * (100 - (values.get(`good${i}`) ?? 100))) / 100);
      const causes = bad > 0 ? await topCauses(logs, slo, stage, fromMs, untilMs) : new Map<string, number>();
      tallies.set(slo.id, { events, bad, causes });
    }
    return tallies;
  } catch (error) {
    if (error instanceof StackError) throw error;
    throw new StackError(`CloudWatch could not be read for stage ${stage}: ${(error as Error).message}. The caller needs cloudwatch:GetMetricData and logs:StartQuery/GetQueryResults.`);
  } finally {
    cloudwatch.destroy();
    logs.destroy();
  }
}

function metricQueries(slo: Slo, i: number, period: number): MetricDataQuery[] {
  const stat = (id: string, metricName: string, statistic: string): MetricDataQuery => ({
    Id: id,
    MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: [{ Name: 'service', Value: slo.sli.service }] }, Period: period, Stat: statistic },
  });
  if (slo.sli.kind === 'ratio') return [stat(`events${i}`, slo.sli.total, 'Sum'), stat(`bad${i}`, slo.sli.bad, 'Sum')];
  return [stat(`events${i}`, slo.sli.metric, 'SampleCount'), stat(`good${i}`, slo.sli.metric, `PR(:${slo.sli.threshold})`)];
}

async function topCauses(logs: CloudWatchLogsClient, slo: Slo, stage: string, fromMs: number, untilMs: number): Promise<Map<string, number>> {
  const sli = slo.sli;
  const query = sli.kind === 'ratio'
    ? `filter ${sli.bad} > 0 | stats sum(${sli.bad}) as events by coalesce(code, 'unknown') as cause | sort events desc | limit 3`
    : `filter ${sli.metric} > ${sli.threshold} | stats count(*) as events by coalesce(code, chain, endpointId, 'unknown') as cause | sort events desc | limit 3`;
  const rows = await insightsQuery(logs, [functionLogGroup(stage, sli.service)], query, fromMs, untilMs);
  return new Map(rows.map((row) => [row.cause ?? 'unknown', Number(row.events)]));
}
