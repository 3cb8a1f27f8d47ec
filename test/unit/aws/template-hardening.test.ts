import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: { checkov?: { skip?: { id: string; comment: string }[] } } };
type Template = { Resources: Record<string, Resource> };
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { hardenTemplate } = createRequire(import.meta.url)(path.join(repoRoot, 'plugins', 'template-hardening.cjs')) as {
  hardenTemplate: (template: Template, functions: Record<string, { events?: unknown[] }>, logicalId: (name: string) => string, own?: Record<string, unknown>) => Template;
};
const logicalId = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`;

/** The parts osls compiles for a scheduled function, an API function and a public route. */
function compiled(): Template {
  return {
    Resources: {
      SettleLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
      QueryLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
      SettleLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
      ApiGatewayMethodV1OpenapijsonGet: { Type: 'AWS::ApiGateway::Method', Properties: { AuthorizationType: 'NONE', HttpMethod: 'GET' } },
      WebsocketsApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
      RealtimeLambdaPermissionWebsockets: { Type: 'AWS::Lambda::Permission', Properties: { Principal: 'apigateway.amazonaws.com' } },
    },
  };
}
const functions = { settle: { events: [{ http: {} }, { schedule: {} }] }, query: { events: [{ http: {} }] } };
const own = { LogsKey: { Type: 'AWS::KMS::Key' } };
const skip = (resource: Resource | undefined, id: string) => resource?.Metadata?.checkov?.skip?.find((entry) => entry.id === id)?.comment;

describe('template hardening (plugins/template-hardening.cjs)', () => {
  it('encrypts every log group with LogsKey and names the WebSocket API as the only caller of its function', () => {
    const template = hardenTemplate(compiled(), functions, logicalId, own);

    expect(template.Resources.SettleLogGroup!.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': ['LogsKey', 'Arn'] });
    expect(template.Resources.RealtimeLambdaPermissionWebsockets!.Properties.SourceArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebsocketsApi}/*' });
  });

  it('gives each function the dead-letter reason of how it is invoked', () => {
    const template = hardenTemplate(compiled(), functions, logicalId, own);

    expect(skip(template.Resources.SettleLambdaFunction, 'CKV_AWS_116')).toMatch(/EventBridge schedule/);
    expect(skip(template.Resources.QueryLambdaFunction, 'CKV_AWS_116')).toMatch(/synchronously only/);
  });

  it('refuses to package a route without an authorizer that has no reason to be public', () => {
    const template = compiled();
    template.Resources.ApiGatewayMethodV1PaymentsGet = { Type: 'AWS::ApiGateway::Method', Properties: { AuthorizationType: 'NONE', HttpMethod: 'GET' } };

    expect(() => hardenTemplate(template, functions, logicalId, own)).toThrow(/ApiGatewayMethodV1PaymentsGet has no authorizer/);
  });

  it('refuses to package without LogsKey rather than point log groups at a missing key', () => {
    expect(() => hardenTemplate(compiled(), functions, logicalId, {})).toThrow(/LogsKey/);
  });
});
