import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentedGrants, rightsDifferences, templateGrants, writeActions } from '../../../scripts/stack/dynamodb-rights.js';
import { packagedTemplate, type PackagedTemplate } from '../../../scripts/stack/packaged-template.js';
import { keyExamples } from './key-examples.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const security = fs.readFileSync(path.join(repoRoot, 'docs', 'security.md'), 'utf8');
const matches = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

let template: PackagedTemplate;
// Packaging the prod stage takes osls some seconds; the template is kept until its inputs change.
beforeAll(() => { template = packagedTemplate(); }, 240_000);

describe('DynamoDB rights per role: the packaged prod template against docs/security.md', () => {
  it('grants each function role exactly what the table says, no more and no less', () => {
    expect(rightsDifferences(template, security)).toEqual([]);
  });

  it('names only keys the code builds (each key of the table matches a key built by lib/)', async () => {
    const examples = await keyExamples();
    const keys = [...new Set(documentedGrants(security).grants.map((grant) => grant.key).filter((key) => key !== '*'))];
    const unknown = keys.filter((key) => !examples.some((example) => matches(key, example)));
    expect(unknown, 'add an example of each key to test/unit/aws/key-examples.ts, built by its items.ts').toEqual([]);
  });

  it('says why for every role that writes the whole table, and for no other', () => {
    const { grants, rows } = documentedGrants(security);
    const wholeTableWriters = new Set(grants.filter((grant) => grant.target === 'table' && grant.key === '*' && writeActions.has(grant.action)).map((grant) => grant.role));
    for (const row of rows) expect(row.why !== '', `${row.role}: ${row.why || 'no reason'}`).toBe(wholeTableWriters.has(row.role));
  });

  it('fails on a grant the table lacks and on a row claiming a grant the template lacks', () => {
    const changed = structuredClone(template);
    const statements = (changed.Resources.WebhooksRole!.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] }).Policies[0]!.PolicyDocument.Statement;
    statements.push({ Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': ['LanepayTable', 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APPROVAL#*'] } } });
    const claimed = security.replace('| `CheckoutRole` | `WSTOKEN#` (Put) |', '| `CheckoutRole` | `WSTOKEN#` (Put, Delete) |');

    expect(rightsDifferences(changed, security)).toEqual(['the template grants WebhooksRole table UpdateItem APPROVAL#*; the table does not']);
    expect(rightsDifferences(template, claimed)).toEqual(['the table says CheckoutRole table DeleteItem WSTOKEN#*; the template does not grant it']);
  });

  it('reads a statement without a LeadingKeys condition as the whole table, and a Scan as every partition', () => {
    const changed = structuredClone(template);
    const statements = (changed.Resources.CheckoutRole!.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] }).Policies[0]!.PolicyDocument.Statement;
    statements.push({ Effect: 'Allow', Action: ['dynamodb:Scan'], Resource: { 'Fn::GetAtt': ['LanepayTable', 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CHARGE#*'] } } });

    expect(templateGrants(changed).grants).toContainEqual({ role: 'CheckoutRole', target: 'table', action: 'Scan', key: '*' });
  });
});
