import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const infra = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra');
const read = (file: string) => parse(fs.readFileSync(path.join(infra, file), 'utf8'));

type Statement = { Sid: string; Effect: string; Action: string | string[]; Condition?: Record<string, Record<string, { 'Fn::Sub': string }>> };
const statements = (file: string) => (read(file) as { Statement: Statement[] }).Statement;
const actions = (statement: Statement | undefined) => [statement?.Action ?? []].flat();
const principalPattern = (statement: Statement | undefined) => Object.values(Object.values(statement?.Condition ?? {})[0] ?? {})[0]?.['Fn::Sub'];

type Role = { Properties: { Path?: string; AssumeRolePolicyDocument: { Statement: { Principal: { Service?: string } }[] } } };

function roles(): [string, Role][] {
  return fs.readdirSync(infra).filter((file) => file.endsWith('.yml') && !file.includes('policy')).flatMap((file) => {
    const resources = (read(file) as { Resources?: Record<string, { Type: string } & Role> } | null)?.Resources ?? {};
    return Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Role');
  });
}

const assumedByLambda = (role: Role) => role.Properties.AssumeRolePolicyDocument.Statement.some((s) => s.Principal.Service === 'lambda.amazonaws.com');

describe('KMS key policies', () => {
  it('deny every function role the administration of any key', () => {
    for (const file of ['key-policy.yml', 'hot-wallet-key-policy.yml', 'alerts-key-policy.yml', 'logs-key-policy.yml']) {
      const deny = statements(file).find((s) => s.Sid === 'NoAdministrationByFunctions');
      expect(deny?.Effect, file).toBe('Deny');
      expect(actions(deny), file).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKey']));
      expect(principalPattern(deny), file).toMatch(/:role\/lanepay-\$\{sls:stage\}\/functions\/\*$/);
    }
  });

  it('let only the chain functions sign with a hot-wallet key, and every hot-wallet key has that policy', () => {
    const onlyChain = statements('hot-wallet-key-policy.yml').find((s) => s.Sid === 'OnlyChainFunctionsSign');
    expect(onlyChain?.Effect).toBe('Deny');
    expect(actions(onlyChain)).toEqual(['kms:Sign']);
    expect(Object.keys(onlyChain?.Condition ?? {})).toEqual(['ArnNotLike']);
    expect(principalPattern(onlyChain)).toMatch(/\/functions\/chain\/\*$/);
    const keys = fs.readFileSync(path.join(infra, 'keys.yml'), 'utf8');
    const eccKeys = [...keys.matchAll(/KeySpec: ECC_SECG_P256K1\n\s+KeyUsage: SIGN_VERIFY\n\s+KeyPolicy: (\S+)/g)].map((m) => m[1]);
    expect(eccKeys.length).toBeGreaterThan(0);
    for (const policy of eccKeys) expect(policy).toBe('${file(infra/hot-wallet-key-policy.yml)}');
  });

  it('can tell function roles by path: every function role is under /lanepay-<stage>/functions/, no service role is, and only the chain roles under chain/', () => {
    const all = roles().filter(([, role]) => assumedByLambda(role));
    expect(all.length).toBeGreaterThan(10);
    for (const [id, role] of all) expect(role.Properties.Path, id).toMatch(/^\/lanepay-\$\{sls:stage\}\/functions\//);
    // AWS Backup's and S3 replication's roles, and the treasury's owner roles (assumed by the treasury
    // function's role, infra/treasury.yml): the key policies' function grants must not reach them.
    const services = roles().filter(([, role]) => !assumedByLambda(role));
    expect(services.map(([id]) => id).sort()).toEqual(['AuditReplicationRole', 'BackupRole', 'TreasuryOwnerRole1', 'TreasuryOwnerRole2', 'TreasuryOwnerRole3']);
    for (const [id, role] of services) expect(role.Properties.Path ?? '/', id).not.toMatch(/functions/);
    const chain = all.filter(([, role]) => role.Properties.Path?.endsWith('/chain/')).map(([id]) => id).sort();
    expect(chain).toEqual(['ChainCheckRole', 'ChainSubmitRole']);
  });
});
