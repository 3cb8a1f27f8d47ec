import fs from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { statementsOf } from '../../../scripts/stack/dynamodb-rights.js';
import { packagedTemplate, type PackagedTemplate } from '../../../scripts/stack/packaged-template.js';

// The treasury's owner keys in the packaged prod template (what a deploy sends; infra/treasury.yml):
// no single KMS key, and no single role, can sign for two owners, so none reaches the Safe's threshold.
type Statement = { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };
type Properties = { KeySpec?: string; KeyUsage?: string; KeyPolicy?: { Statement: Statement[] }; TargetKeyId?: unknown; AliasName?: string; Path?: string; AssumeRolePolicyDocument?: { Statement: Statement[] }; Policies?: unknown[]; ManagedPolicyArns?: unknown[] };

let template: PackagedTemplate;
beforeAll(() => { template = packagedTemplate(); }, 240_000);

const resources = (type: string) => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type) as [string, { Properties: Properties }][];
const actions = (statement: Statement) => [statement.Action].flat();
/** Whether an IAM action pattern (`kms:*`, `kms:Get*`) covers `action`. */
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(action);
const grants = (statement: Statement, action: string) => actions(statement).some((pattern) => covers(pattern, action));
const roleOf = (principal: unknown) => {
  const getAtt = (principal as { AWS?: { 'Fn::GetAtt'?: [string, string] } } | undefined)?.AWS?.['Fn::GetAtt'];
  return getAtt?.[1] === 'Arn' ? getAtt[0] : undefined;
};
const prodThreshold = () => (parse(fs.readFileSync('infra/settings.yml', 'utf8'), { merge: true }) as Record<string, { treasuryThreshold: number }>).prod!.treasuryThreshold;

const ownerKeys = () => resources('AWS::KMS::Key').filter(([id]) => /^TreasuryOwnerKey\d+$/.test(id));
/** The role each owner key's policy lets sign: every principal of an Allow statement that covers kms:Sign. */
const signers = (key: Properties) => key.KeyPolicy!.Statement.filter((s) => s.Effect === 'Allow' && grants(s, 'kms:Sign')).map((s) => roleOf(s.Principal) ?? JSON.stringify(s.Principal));

describe('treasury owner keys in the packaged template', () => {
  it('are as many as the approvals function is told (TREASURY_OWNERS), whose threshold is the stage setting', () => {
    const approvals = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::Function' && JSON.stringify(resource.Properties).includes('"POWERTOOLS_SERVICE_NAME":"approvals"'));
    const variables = (approvals!.Properties as { Environment: { Variables: Record<string, string> } }).Environment.Variables;
    expect([variables.TREASURY_OWNERS, variables.TREASURY_THRESHOLD]).toEqual([String(ownerKeys().length), String(prodThreshold())]);
  });

  it('are N distinct secp256k1 signing keys, N at least the threshold M, M at least 2, each with an alias of its own', () => {
    const keys = ownerKeys();
    const m = prodThreshold();
    expect(m).toBeGreaterThanOrEqual(2);
    expect(keys.length).toBeGreaterThanOrEqual(m);
    expect(keys.map(([id]) => id)).toEqual(keys.map((_, index) => `TreasuryOwnerKey${index + 1}`));
    for (const [id, key] of keys) expect([id, key.Properties.KeySpec, key.Properties.KeyUsage]).toEqual([id, 'ECC_SECG_P256K1', 'SIGN_VERIFY']);
    const aliases = resources('AWS::KMS::Alias').filter(([, alias]) => keys.some(([id]) => JSON.stringify(alias.Properties.TargetKeyId) === JSON.stringify({ Ref: id })));
    expect(aliases.map(([, alias]) => alias.Properties.AliasName).sort()).toEqual(keys.map((_, index) => `alias/lanepay-prod-treasury-owner-${index + 1}`).sort());
  });

  it('each name exactly one signer, its own owner role, and deny kms:Sign to every other principal', () => {
    for (const [id, key] of ownerKeys()) {
      const owner = id.replace('TreasuryOwnerKey', 'TreasuryOwnerRole');
      expect(signers(key.Properties), id).toEqual([owner]);
      const deny = key.Properties.KeyPolicy!.Statement.filter((s) => s.Effect === 'Deny' && grants(s, 'kms:Sign'));
      expect(deny.map((s) => [s.Principal, s.Condition]), id).toEqual([[{ AWS: '*' }, { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [owner, 'Arn'] } } }]]);
    }
  });

  it('have no principal that may sign with two of them, so none reaches the threshold', () => {
    const keysBySigner = new Map<string, string[]>();
    for (const [id, key] of ownerKeys()) for (const signer of signers(key.Properties)) keysBySigner.set(signer, [...keysBySigner.get(signer) ?? [], id]);
    const reach = Math.max(...[...keysBySigner.values()].map((keys) => keys.length));
    expect(reach).toBe(1);
    expect(reach).toBeLessThan(prodThreshold());
    expect(keysBySigner.size).toBe(ownerKeys().length);
  });

  it('each owner role may be assumed by the treasury function\'s role only, and may do nothing but what its key allows it', () => {
    const owners = resources('AWS::IAM::Role').filter(([id]) => /^TreasuryOwnerRole\d+$/.test(id));
    expect(owners.length).toBe(ownerKeys().length);
    for (const [id, role] of owners) {
      expect(role.Properties.AssumeRolePolicyDocument!.Statement, id).toEqual([
        { Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['TreasuryFunctionRole', 'Arn'] } }, Action: 'sts:AssumeRole' },
      ]);
      expect([role.Properties.Policies ?? [], role.Properties.ManagedPolicyArns ?? []], id).toEqual([[], []]);
      // Outside the function roles' path: the other key policies' grants to function roles do not reach it.
      expect(role.Properties.Path, id).toBe('/lanepay-prod/treasury-owners/');
    }
    // The function role is a Lambda's, signs with no owner key itself (only the relayer's, which pays
    // gas and holds no treasury funds), and assumes only the owner roles.
    const functionRole = template.Resources.TreasuryFunctionRole!.Properties as Properties;
    expect(functionRole.AssumeRolePolicyDocument!.Statement.map((s) => s.Principal)).toEqual([{ Service: 'lambda.amazonaws.com' }]);
    const own = statementsOf(template, 'TreasuryFunctionRole') as Statement[];
    expect(own.filter((s) => grants(s, 'kms:Sign')).map((s) => s.Resource)).toEqual([[{ 'Fn::GetAtt': ['TreasuryRelayerKey', 'Arn'] }]]);
    expect(own.filter((s) => grants(s, 'sts:AssumeRole')).map((s) => s.Resource)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/lanepay-prod/treasury-owners/*' },
    ]);
  });

  it('are reachable through no other role: no other role may assume a role or sign with an owner key or any key', () => {
    const others = resources('AWS::IAM::Role').map(([id]) => id).filter((id) => id !== 'TreasuryFunctionRole' && !/^TreasuryOwnerRole\d+$/.test(id));
    expect(others.length).toBeGreaterThan(10);
    for (const id of others) {
      for (const statement of statementsOf(template, id) as Statement[]) {
        if (statement.Effect !== 'Allow') continue;
        expect(grants(statement, 'sts:AssumeRole'), `${id} may assume roles`).toBe(false);
        if (!grants(statement, 'kms:Sign')) continue;
        for (const resource of [statement.Resource].flat()) {
          expect(resource, `${id} may sign with any key`).not.toBe('*');
          expect(JSON.stringify(resource), `${id} may sign with an owner key`).not.toMatch(/TreasuryOwnerKey/);
        }
      }
    }
  });
});
