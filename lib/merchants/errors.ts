import { LanepayError } from '#platform';

/** The stage's API Gateway usage plan is not there to attach a merchant's usage key to: the stage is not deployed. */
export class UsagePlanMissingError extends LanepayError<'usage_plan_missing'> {
  override name = 'UsagePlanMissingError';
  constructor(readonly planName: string, readonly stage: string) {
    super('usage_plan_missing', `No usage plan named ${planName}: deploy the ${stage} stage first.`);
  }
}

/** A platform route (liquidity, audit status, KYC reviews) asked by a merchant that does not operate the platform. */
export class PlatformOnlyError extends LanepayError<'platform_only'> {
  override name = 'PlatformOnlyError';
  constructor(readonly route: string) {
    super('platform_only', `${route} is for the platform's operators: only the platform merchant's keys and members may call it.`);
  }
}
