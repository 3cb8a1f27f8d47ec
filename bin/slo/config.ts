import slos from '../../infra/slos.json' with { type: 'json' };
import { sloConfigSchema, type SloConfig } from '#platform';

/** infra/slos.json, checked: the same file plugins/slo-alarms.cjs builds the alarms from. */
export function sloConfig(): SloConfig {
  return sloConfigSchema.parse(slos);
}
