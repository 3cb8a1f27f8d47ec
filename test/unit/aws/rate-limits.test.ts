import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { rateLimitProblems, type Template } from '../../../scripts/stack/rate-limit-checks.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { applyStageThrottling } = createRequire(import.meta.url)(path.join(repoRoot, 'plugins', 'stage-throttling.cjs')) as {
  applyStageThrottling: (template: Template, throttling: unknown) => Template;
};
const limits = { stage: { rateLimit: 2000, burstLimit: 4000 }, merchant: { rateLimit: 100, burstLimit: 200 } };

/** The parts osls compiles from serverless.yml for a REST API with one merchant route, as packaged. */
function compiled(): Template {
  return {
    Resources: {
      ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { ApiKeySourceType: 'AUTHORIZER' } },
      ApiGatewayDeployment1: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'prod' } },
      ApiGatewayUsagePlan: { Type: 'AWS::ApiGateway::UsagePlan', Properties: { Throttle: { RateLimit: 100, BurstLimit: 200 } } },
      SharedUsagePlanKey: { Type: 'AWS::ApiGateway::UsagePlanKey', Properties: {} },
      ApiGatewayMethodV1BalancesGet: { Type: 'AWS::ApiGateway::Method', Properties: { AuthorizationType: 'CUSTOM', ApiKeyRequired: true } },
      ApiGatewayMethodV1OpenapijsonGet: { Type: 'AWS::ApiGateway::Method', Properties: { AuthorizationType: 'NONE', ApiKeyRequired: false } },
    },
  };
}

describe('stage throttling (plugins/stage-throttling.cjs)', () => {
  it('sets the stage-wide rate and burst on the Deployment osls compiles, keeping X-Ray tracing on', () => {
    const template = applyStageThrottling(compiled(), { rateLimit: 2000, burstLimit: 4000 });

    expect(template.Resources.ApiGatewayDeployment1!.Properties!.StageDescription).toEqual({ ThrottlingRateLimit: 2000, ThrottlingBurstLimit: 4000, TracingEnabled: true });
    expect(rateLimitProblems(template, limits)).toEqual([]);
  });

  it('refuses to package without limits rather than deploy an unthrottled stage', () => {
    expect(() => applyStageThrottling(compiled(), { rateLimit: 'none' })).toThrow(/stageThrottling/);
  });

  it('every stage of infra/settings.yml has positive stage and per-merchant limits, the merchant below the stage', () => {
    const settings = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'settings.yml'), 'utf8'), { merge: true }) as Record<string, Record<string, number>>;
    for (const [stage, values] of Object.entries(settings)) {
      for (const name of ['stageRateLimit', 'stageBurstLimit', 'merchantRateLimit', 'merchantBurstLimit']) expect(values[name], `${stage}.${name}`).toBeGreaterThan(0);
      expect(values.merchantRateLimit!, stage).toBeLessThan(values.stageRateLimit!);
    }
  });
});

describe('rate-limit check of the packaged template (npm run deploy:check)', () => {
  it('names a merchant route that requires no usage-plan key, an unthrottled stage and a missing key source', () => {
    const template = compiled();
    template.Resources.ApiGatewayMethodV1BalancesGet!.Properties!.ApiKeyRequired = false;
    template.Resources.ApiGatewayRestApi!.Properties = {};

    const problems = rateLimitProblems(template, limits);

    expect(problems).toEqual([
      expect.stringContaining('ApiKeySourceType AUTHORIZER'),
      expect.stringContaining('stage is not throttled'),
      'ApiGatewayMethodV1BalancesGet is a merchant route that requires no usage-plan key',
    ]);
  });
});
