import { CloudWatchLogsClient, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import fs from 'node:fs';
import readline from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { parseEmfLine, type MetricDatum } from '#platform';
import { StackError } from '../scripts/stack/errors.js';
import type { StackInfo } from '../scripts/stack/types.js';

const insightsDeadlineMs = 60_000;

/**
 * The metric data the local stack's functions logged between two times: their EMF documents, as
 * CloudWatch would receive them (infra/environment.yml turns Powertools metrics on locally). Read
 * line by line: a day of a busy stack is a log of hundreds of MB.
 */
export async function localMetricData(stack: StackInfo, fromMs: number, untilMs: number): Promise<MetricDatum[]> {
  if (!stack.functionLog || !fs.existsSync(stack.functionLog)) {
    throw new StackError('The local stack publishes no function log (.local/stack.json has no functionLog): restart it with `npm run dev`.');
  }
  const data: MetricDatum[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(stack.functionLog, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const datum = parseEmfLine(line);
    if (datum && datum.timestampMs >= fromMs && datum.timestampMs <= untilMs) data.push(datum);
  }
  return data;
}

/** The log group of a function of a deployed stage (`<service>-<stage>-<function>`). */
export function functionLogGroup(stage: string, functionName: string): string {
  return `/aws/lambda/lanepay-${stage}-${functionName}`;
}

/** A CloudWatch Logs Insights query over log groups, its rows as field maps once it completes. */
export async function insightsQuery(logs: CloudWatchLogsClient, logGroupNames: string[], queryString: string, fromMs: number, untilMs: number): Promise<Record<string, string>[]> {
  const { queryId } = await logs.send(new StartQueryCommand({ logGroupNames, startTime: Math.floor(fromMs / 1000), endTime: Math.ceil(untilMs / 1000), queryString }));
  const deadline = Date.now() + insightsDeadlineMs;
  while (Date.now() < deadline) {
    const answer = await logs.send(new GetQueryResultsCommand({ queryId }));
    if (answer.status === 'Complete') return (answer.results ?? []).map((fields) => Object.fromEntries(fields.map((f) => [f.field ?? '', f.value ?? ''])));
    if (answer.status === 'Failed' || answer.status === 'Cancelled' || answer.status === 'Timeout') throw new StackError(`The Logs Insights query ended ${answer.status}.`);
    await delay(1_000);
  }
  throw new StackError(`Logs Insights gave no answer within ${insightsDeadlineMs / 1000} s.`);
}

export { CloudWatchLogsClient };
