import { tallyFromData, type SloConfig, type SloTally } from '#platform';
import type { StackInfo } from '../../scripts/stack/types.js';
import { localMetricData } from '../metrics-log.js';

/** The SLOs' tallies from the local stack's function log. */
export async function localSloTallies(config: SloConfig, stack: StackInfo, fromMs: number, untilMs: number): Promise<Map<string, SloTally>> {
  const data = await localMetricData(stack, fromMs, untilMs);
  return new Map(config.slos.map((slo) => [slo.id, tallyFromData(slo, data)]));
}
