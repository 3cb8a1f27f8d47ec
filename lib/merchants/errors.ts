import { LanepayError } from '../errors/index.js';

/** The stage's API Gateway usage plan is not there to attach a merchant's usage key to: the stage is not deployed. */
export class UsagePlanMissingError extends LanepayError<'usage_plan_missing'> {
  override name = 'UsagePlanMissingError';
  constructor(readonly planName: string, readonly stage: string) {
    super('usage_plan_missing', `No usage plan named ${planName}: deploy the ${stage} stage first.`);
  }
}
