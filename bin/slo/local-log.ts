import fs from 'node:fs';
import readline from 'node:readline';
import { parseEmfLine, tallyFromData, type MetricDatum, type SloConfig, type SloTally } from '#platform';
import { StackError } from '../../scripts/stack/errors.js';
import type { StackInfo } from '../../scripts/stack/types.js';

/**
 * The SLOs' tallies from the local stack's function log, which holds every function's EMF documents
 * as CloudWatch would receive them (infra/environment.yml turns Powertools metrics on locally).
 * Read line by line: a day of a busy stack is a log of hundreds of MB.
 */
export async function localSloTallies(config: SloConfig, stack: StackInfo, fromMs: number, untilMs: number): Promise<Map<string, SloTally>> {
  if (!stack.functionLog || !fs.existsSync(stack.functionLog)) {
    throw new StackError('The local stack publishes no function log (.local/stack.json has no functionLog): restart it with `npm run dev`.');
  }
  const data: MetricDatum[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(stack.functionLog, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const datum = parseEmfLine(line);
    if (datum && datum.timestampMs >= fromMs && datum.timestampMs <= untilMs) data.push(datum);
  }
  return new Map(config.slos.map((slo) => [slo.id, tallyFromData(slo, data)]));
}
