/**
 * What a packaged template must hold for the rate limits of docs/security.md to apply on AWS; run
 * by `npm run deploy:check` on the template it packages (osls builds these parts, infra/ does not
 * spell them, so reading infra/ alone would prove nothing).
 */
type Resource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources: Record<string, Resource> };

export interface ExpectedLimits {
  stage: { rateLimit: number; burstLimit: number };
  merchant: { rateLimit: number; burstLimit: number };
}

/** Every way `template` falls short of `expected`, as sentences; empty when it holds. */
export function rateLimitProblems(template: Template, expected: ExpectedLimits): string[] {
  const problems: string[] = [];
  const ofType = (type: string) => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

  const api = ofType('AWS::ApiGateway::RestApi')[0]?.[1];
  if (api?.Properties?.ApiKeySourceType !== 'AUTHORIZER') problems.push('the REST API does not take usage-plan keys from the authorizer (ApiKeySourceType AUTHORIZER)');

  const stage = ofType('AWS::ApiGateway::Deployment')[0]?.[1]?.Properties?.StageDescription as Record<string, unknown> | undefined;
  if (stage?.ThrottlingRateLimit !== expected.stage.rateLimit || stage?.ThrottlingBurstLimit !== expected.stage.burstLimit) {
    problems.push(`the stage is not throttled at ${expected.stage.rateLimit}/s, burst ${expected.stage.burstLimit} (found ${JSON.stringify(stage ?? null)})`);
  }

  const plans = ofType('AWS::ApiGateway::UsagePlan');
  const throttle = plans[0]?.[1].Properties?.Throttle as { RateLimit?: number; BurstLimit?: number } | undefined;
  if (plans.length !== 1 || throttle?.RateLimit !== expected.merchant.rateLimit || throttle?.BurstLimit !== expected.merchant.burstLimit) {
    problems.push(`there is not one usage plan throttling each key at ${expected.merchant.rateLimit}/s, burst ${expected.merchant.burstLimit}`);
  }

  // A merchant route without ApiKeyRequired would not count against any key: unthrottled per merchant.
  for (const [id, method] of ofType('AWS::ApiGateway::Method')) {
    if (method.Properties?.AuthorizationType === 'CUSTOM' && method.Properties.ApiKeyRequired !== true) problems.push(`${id} is a merchant route that requires no usage-plan key`);
  }

  const usagePlanKeys = ofType('AWS::ApiGateway::UsagePlanKey');
  if (usagePlanKeys.length === 0) problems.push('the usage plan has no shared key for merchants without their own');
  return problems;
}
