'use strict';

/**
 * Stage-wide API Gateway throttling (all callers together), from `custom.stageThrottling`.
 * Hand-written because osls has no setting for it: it sets stage options (logs, tracing) through
 * the SDK after a deploy, and never throttling. CloudFormation's place for it is the StageDescription
 * of the stage's Deployment, which osls recreates on every deploy, so a changed limit is applied.
 */
function applyStageThrottling(template, throttling) {
  const rateLimit = Number(throttling?.rateLimit);
  const burstLimit = Number(throttling?.burstLimit);
  if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit <= 0) {
    throw new Error('custom.stageThrottling needs a positive rateLimit and an integer burstLimit (infra/settings.yml)');
  }
  const deployments = Object.values(template.Resources ?? {}).filter(
    (resource) => resource.Type === 'AWS::ApiGateway::Deployment' && resource.Properties?.StageName,
  );
  if (deployments.length !== 1) throw new Error(`stage throttling expects one REST API deployment, found ${deployments.length}`);
  const properties = deployments[0].Properties;
  // TracingEnabled as provider.tracing.apiGateway says, so a deploy does not switch it off between
  // CloudFormation's stage update and osls's own.
  properties.StageDescription = { ...properties.StageDescription, ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit, TracingEnabled: true };
  return template;
}

class StageThrottlingPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:finalize': () => {
        const service = this.serverless.service;
        applyStageThrottling(service.provider.compiledCloudFormationTemplate, service.custom?.stageThrottling);
      },
    };
  }
}

module.exports = StageThrottlingPlugin;
module.exports.applyStageThrottling = applyStageThrottling;
