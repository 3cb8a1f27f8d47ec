import { LanepayError } from '#platform';

/** Inputs the planner cannot plan on: a policy that contradicts itself, mixed assets, paths too short. */
export class RebalanceInputError extends LanepayError<'rebalance_input_invalid'> {
  override name = 'RebalanceInputError';
  constructor(detail: string) {
    super('rebalance_input_invalid', detail);
  }
}
