import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { classGrades } from '#api/http/shedding.js';
import { packagedTemplate, type PackagedTemplate } from '../../../scripts/stack/packaged-template.js';

// Reserved concurrency per function class as a deploy sends it (docs/operations.md#concurrency):
// judged on the packaged template, since osls compiles `reservedConcurrency` into each function.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const settings = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'settings.yml'), 'utf8'), { merge: true }) as Record<string, { concurrency: Record<string, number> }>;
const functionFiles = fs.readdirSync(path.join(repoRoot, 'functions')).filter((f) => f.endsWith('.yml'));
const classByFunction: Record<string, string | number> = Object.fromEntries(functionFiles.flatMap((file) => Object.entries(
  parse(fs.readFileSync(path.join(repoRoot, 'functions', file), 'utf8')) as Record<string, { reservedConcurrency: string | number }>,
).map(([name, definition]) => [name, typeof definition.reservedConcurrency === 'number'
  ? definition.reservedConcurrency
  : /concurrency\.(\w+)\}$/.exec(definition.reservedConcurrency)![1]!])));

// AWS keeps this many of the account's concurrent executions unreserved, and refuses a deploy that
// would leave fewer; 1000 is a region's default quota.
const unreservedMinimum = 100;
const defaultQuota = 1000;

/**
 * Each function's ReservedConcurrentExecutions in the packaged template of `stage`, by its serverless
 * name; osls's own deploy-time custom resource (the API's CloudWatch role) runs on the unreserved pool.
 */
const templates: Record<string, PackagedTemplate> = {};
// Packaging takes tens of seconds the first time after a change (then it is cached under .local/).
beforeAll(() => {
  for (const stage of ['prod', 'dev']) templates[stage] = packagedTemplate({ stage });
}, 240_000);

function reservations(stage: string): Record<string, number> {
  const template = templates[stage]!;
  return Object.fromEntries(Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function' && !String(resource.Properties!.FunctionName).includes('-custom-resource-'))
    .map((resource) => [String(resource.Properties!.FunctionName).replace(`lanepay-${stage}-`, ''), resource.Properties!.ReservedConcurrentExecutions as number]));
}

describe.each(['prod', 'dev'])('reserved concurrency in the packaged %s template', (stage) => {
  it("reserves for every function its class's value from infra/settings.yml", () => {
    const reserved = reservations(stage);

    expect(Object.keys(reserved).sort()).toEqual(Object.keys(classByFunction).sort());
    for (const [name, value] of Object.entries(reserved)) {
      const functionClass = classByFunction[name]!;
      expect(value, name).toBe(typeof functionClass === 'number' ? functionClass : settings[stage]!.concurrency[functionClass]);
    }
  });

  it(`leaves at least ${unreservedMinimum} of the default quota of ${defaultQuota} unreserved, and reserves more for the payment path than the sheddable classes may take`, () => {
    const reserved = reservations(stage);
    const total = Object.values(reserved).reduce((sum, value) => sum + value, 0);
    const gradeOf = (name: string) => (typeof classByFunction[name] === 'number' ? 'critical' : classGrades[classByFunction[name] as keyof typeof classGrades]);
    const critical = Object.entries(reserved).filter(([name]) => gradeOf(name) === 'critical').reduce((sum, [, value]) => sum + value, 0);

    console.log(`${stage}: ${total} reserved (${critical} critical, ${total - critical} sheddable caps), ${defaultQuota - total} of ${defaultQuota} unreserved`);
    expect(defaultQuota - total).toBeGreaterThanOrEqual(unreservedMinimum);
    expect(critical).toBeGreaterThan(total - critical);
  });
});

describe('the overload answer in the packaged prod template', () => {
  it('answers a throttled invocation (INTEGRATION_FAILURE) with 503 overloaded and Retry-After', () => {
    const template = templates.prod!;
    const response = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::ApiGateway::GatewayResponse' && resource.Properties!.ResponseType === 'INTEGRATION_FAILURE');

    expect(response?.Properties).toMatchObject({
      StatusCode: '503',
      ResponseParameters: { 'gatewayresponse.header.Retry-After': "'1'", 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
    });
    expect(JSON.parse((response!.Properties!.ResponseTemplates as Record<string, string>)['application/json']!)).toMatchObject({ status: 503, code: 'overloaded' });
  });
});
