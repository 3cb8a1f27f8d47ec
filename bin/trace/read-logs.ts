import fs from 'node:fs';
import readline from 'node:readline';
import {
  linesFromInsightsRows, LocalLogReader, objectKeyOf, objectLinesQuery, reportsFromInsightsRows, reportsQuery, tracedFunctions, traceLinesQuery,
  type InvocationReport, type LogLine,
} from '#platform';
import { StackError } from '../../scripts/stack/errors.js';
import type { StackInfo } from '../../scripts/stack/types.js';
import { CloudWatchLogsClient, functionLogGroup, insightsQuery } from '../metrics-log.js';

export interface TraceLogs {
  lines: LogLine[];
  reports: InvocationReport[];
}

/**
 * The local stack's function log, every line kept that could belong to the object's timeline: those
 * that name it or carry a trace id (buildTimeline picks the object's traces among them).
 */
export async function localTraceLogs(stack: StackInfo, objectId: string): Promise<TraceLogs> {
  if (!stack.functionLog || !fs.existsSync(stack.functionLog)) {
    throw new StackError('The local stack publishes no function log (.local/stack.json has no functionLog): restart it with `npm run dev`.');
  }
  const reader = new LocalLogReader((text) => text.includes(objectId) || text.includes('"trace_id"'));
  const input = readline.createInterface({ input: fs.createReadStream(stack.functionLog, 'utf8'), crlfDelay: Infinity });
  for await (const line of input) reader.push(line);
  return { lines: reader.lines, reports: reader.reports };
}

/**
 * The same from CloudWatch Logs Insights over the traced functions' log groups: the lines naming the
 * object, then the lines of its traces, then the REPORT line of each invocation among them.
 */
export async function awsTraceLogs(stage: string, objectId: string, fromMs: number, untilMs: number): Promise<TraceLogs> {
  const key = objectKeyOf(objectId)!;
  const logs = new CloudWatchLogsClient({});
  const groups = tracedFunctions.map((name) => functionLogGroup(stage, name));
  try {
    const own = linesFromInsightsRows(await insightsQuery(logs, groups, objectLinesQuery(key, objectId), fromMs, untilMs));
    const traceIds = [...new Set(own.map((line) => line.fields.trace_id).filter((id): id is string => typeof id === 'string'))];
    const traced = traceIds.length === 0 ? [] : linesFromInsightsRows(await insightsQuery(logs, groups, traceLinesQuery(traceIds), fromMs, untilMs));
    const lines = [...own, ...traced.filter((line) => line.fields[key] !== objectId)];
    const requestIds = [...new Set(lines.map((line) => line.requestId).filter((id): id is string => id !== undefined))];
    const reports = requestIds.length === 0 ? [] : reportsFromInsightsRows(await insightsQuery(logs, groups, reportsQuery(requestIds), fromMs, untilMs));
    return { lines, reports };
  } catch (error) {
    if (error instanceof StackError) throw error;
    throw new StackError(`CloudWatch Logs could not be read for stage ${stage}: ${(error as Error).message}. The caller needs logs:StartQuery and logs:GetQueryResults.`);
  } finally {
    logs.destroy();
  }
}
