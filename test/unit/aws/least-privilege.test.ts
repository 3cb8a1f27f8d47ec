import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { eventKey } from '../../../lib/events/items.js';
import { flowBucketKey, flowEventMarkerKey } from '../../../lib/forecast-job/flow-items.js';
import { shortfallStateKey } from '../../../lib/forecast-job/forecast-items.js';
import { accountItemKey, merchantAccount, platformAccount } from '../../../lib/ledger/accounts.js';
import { apiKeyKey, keyIdKey, merchantProfileKey } from '../../../lib/merchants/items.js';
import { paymentKey } from '../../../lib/payments/items.js';
import { nonceKey, payoutKey } from '../../../lib/payouts/items.js';
import { cursorKey, raisedKey, redriveKey } from '../../../lib/reconcile/items.js';
import { connectionKey } from '../../../lib/realtime/connections.js';
import { tokenKey } from '../../../lib/realtime/tokens.js';
import { attemptItem, deliveryKey, endpointCountKey, endpointKey, fanOutKey, redeliveryCountKey } from '../../../lib/webhooks/items.js';
import { auditHeadKey, auditLanePartition, auditPartition, auditRegistryKey } from '../../../lib/audit/record.js';

const infra = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra');

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string | string[]>> };
type Resource = { Type: string; Properties: { ManagedPolicyArns?: unknown[]; Policies?: { PolicyDocument: { Statement: Statement[] } }[]; PolicyDocument?: { Statement: Statement[] } } };

const resources: Record<string, Resource> = Object.assign({}, ...fs.readdirSync(infra).filter((file) => file.endsWith('.yml')).map((file) =>
  (parse(fs.readFileSync(path.join(infra, file), 'utf8')) as { Resources?: Record<string, Resource> } | null)?.Resources ?? {}));

/** Every statement a role carries: its inline policies and the managed policies of infra/ it attaches. */
function statementsOf(roleId: string): Statement[] {
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role in infra/`);
  const inline = (role.Properties.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
  const managed = (role.Properties.ManagedPolicyArns ?? []).flatMap((arn) => {
    const ref = (arn as { Ref?: string }).Ref;
    return ref ? resources[ref]!.Properties.PolicyDocument!.Statement : [];
  });
  return [...inline, ...managed];
}

const onTable = (statement: Statement) => [statement.Resource].flat().some((resource) =>
  resource === '*' || JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': ['LanepayTable', 'Arn'] }));
const matches = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

/** Whether the condition lets a request whose partition key is `pk` through; conditions it cannot read fail the test. */
function conditionAllows(condition: Statement['Condition'], pk: string): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([operator, keys]) => {
    if (operator !== 'ForAllValues:StringLike' && operator !== 'ForAllValues:StringEquals') throw new Error(`unexpected condition ${operator}`);
    return Object.entries(keys).every(([key, values]) => {
      if (key !== 'dynamodb:LeadingKeys') throw new Error(`unexpected condition key ${key}`);
      return [values].flat().some((value) => (operator.endsWith('StringLike') ? matches(value, pk) : value === pk));
    });
  });
}

/** IAM's answer for `action` on the table item of partition `pk` (identity policies only: no Deny statements exist here). */
function allows(roleId: string, action: string, pk: string): boolean {
  return statementsOf(roleId).some((statement) => statement.Effect === 'Allow'
    && [statement.Action].flat().some((granted) => matches(granted, `dynamodb:${action}`))
    && onTable(statement) && conditionAllows(statement.Condition, pk));
}

const account = merchantAccount('mer_01hzzzzzzzzzzzzzzzzzzzzzzz', 'USDC');
const ledgerAndKeys = {
  'a merchant ledger account': accountItemKey(account, 'tr_1').pk,
  'a platform ledger account': accountItemKey(platformAccount('clearing', 'USDC'), 'tr_1').pk,
  'an API key': apiKeyKey('0a1b2c').pk.S,
  'an API key id': keyIdKey('key_1').pk.S,
  'a merchant profile': merchantProfileKey('mer_1').pk.S,
};
const internetFacing = ['WebhooksRole', 'WebhookDeliverRole', 'NotifyRole', 'RealtimeRole', 'RealtimeTokensRole'];

describe('DynamoDB rights of the internet-facing roles (dynamodb:LeadingKeys)', () => {
  it.each(internetFacing)('%s cannot put, update or delete ledger accounts, API keys or merchant profiles', (role) => {
    for (const [what, pk] of Object.entries(ledgerAndKeys)) {
      for (const action of ['PutItem', 'UpdateItem', 'DeleteItem']) expect(allows(role, action, pk), `${role} ${action} ${what} (${pk})`).toBe(false);
    }
  });

  // The other side: each role can still write what its function writes, with the keys its code builds.
  it.each([
    ['WebhooksRole', 'PutItem', endpointKey('we_1').pk.S],
    ['WebhooksRole', 'UpdateItem', endpointCountKey('mer_1').pk.S],
    ['WebhooksRole', 'DeleteItem', endpointKey('we_1').pk.S],
    ['WebhooksRole', 'UpdateItem', redeliveryCountKey('evt_1', '2026-11-26T16').pk.S],
    ['WebhooksRole', 'GetItem', eventKey('evt_1').pk.S],
    ['WebhooksRole', 'PutItem', auditLanePartition('mer_1', 3)],
    ['WebhooksRole', 'PutItem', auditPartition('mer_1')],
    ['WebhooksRole', 'UpdateItem', auditHeadKey('mer_1', 3).pk.S],
    ['WebhooksRole', 'PutItem', auditRegistryKey('mer_1', 3).pk.S],
    ['WebhookDeliverRole', 'PutItem', attemptItem('we_1', { id: 'wa_1' } as never, new Date()).pk!.S!],
    ['WebhookDeliverRole', 'UpdateItem', deliveryKey('we_1', 'evt_1', 'r1').pk.S],
    ['WebhookDeliverRole', 'UpdateItem', endpointKey('we_1').pk.S],
    ['WebhookDeliverRole', 'PutItem', eventKey('evt_1').pk.S],
    ['NotifyRole', 'PutItem', fanOutKey('evt_1').pk.S],
    ['NotifyRole', 'DeleteItem', connectionKey('c1').pk.S],
    ['RealtimeTokensRole', 'GetItem', paymentKey('pay_1').pk.S],
    ['RealtimeTokensRole', 'PutItem', tokenKey('hash').pk.S],
    ['RealtimeRole', 'DeleteItem', tokenKey('hash').pk.S],
    ['RealtimeRole', 'PutItem', connectionKey('c1').pk.S],
    ['RealtimeRole', 'UpdateItem', connectionKey('c1').pk.S],
    ['RealtimeRole', 'GetItem', paymentKey('pay_1').pk.S],
    ['FlowTotalsRole', 'PutItem', flowEventMarkerKey('evt_1').pk!.S!],
    ['FlowTotalsRole', 'UpdateItem', flowBucketKey('ethereum', 'USDC', 1).pk!.S!],
    ['ForecastBatchRole', 'UpdateItem', shortfallStateKey('ethereum', 'USDC').pk!.S!],
    ['OutboxRelayRole', 'UpdateItem', eventKey('evt_1').pk.S],
    ['ReconcileRole', 'GetItem', paymentKey('pay_1').pk.S],
    ['ReconcileRole', 'Query', nonceKey('local-a', '0xabc', 0).pk.S],
    ['ReconcileRole', 'PutItem', payoutKey('pay_1').pk.S],
    ['ReconcileRole', 'PutItem', eventKey('evt_1').pk.S],
    ['ReconcileRole', 'UpdateItem', eventKey('evt_1').pk.S],
    ['ReconcileRole', 'PutItem', redriveKey('pay_1').pk.S],
    ['ReconcileRole', 'PutItem', raisedKey('amount_mismatch', 'pay_1').pk.S],
    ['ReconcileRole', 'PutItem', cursorKey('local-a', '0xabc').pk.S],
  ])('%s may %s its own items (%s)', (role, action, pk) => {
    expect(allows(role, action, pk)).toBe(true);
  });

  it.each(['ReconcileRole', 'OutboxRelayRole'])('%s cannot put or update payments, nonces, ledger accounts, API keys or merchant profiles', (role) => {
    const others = { ...ledgerAndKeys, 'a payment': paymentKey('pay_1').pk.S, 'a nonce record': nonceKey('local-a', '0xabc', 0).pk.S };
    for (const [what, pk] of Object.entries(others)) {
      for (const action of ['PutItem', 'UpdateItem']) expect(allows(role, action, pk), `${role} ${action} ${what} (${pk})`).toBe(false);
    }
  });

  it('ForecastBatchRole updates only forecast items (its wallets\' shortfall state), not ledger accounts or payments', () => {
    for (const pk of [...Object.values(ledgerAndKeys), paymentKey('pay_1').pk.S]) expect(allows('ForecastBatchRole', 'UpdateItem', pk), pk).toBe(false);
  });

  it('WebhooksRole may append to the audit log but not delete from it', () => {
    expect(allows('WebhooksRole', 'DeleteItem', auditPartition('mer_1'))).toBe(false);
  });

  it('a statement without a LeadingKeys condition on the table is found by the check (the check can fail)', () => {
    expect(allows('AuthorizeRole', 'PutItem', ledgerAndKeys['a merchant ledger account'])).toBe(true);
  });
});
