import { beforeAll, describe, expect, it } from 'vitest';
import { auditHeadKey, auditLanePartition, auditPartition, auditRegistryKey } from '#lib/audit/record.js';
import { accountItemKey, merchantAccount, platformAccount } from '#lib/ledger/accounts.js';
import { hotWalletConfigKey } from '#lib/money/payouts/hot-wallet.js';
import { approvalKey } from '#lib/merchants/approvals/items.js';
import { eventKey } from '#lib/merchants/events.js';
import { apiKeyKey, keyIdKey, merchantProfileKey } from '#lib/merchants/items.js';
import { chargeKey } from '#lib/money/charges/items.js';
import { paymentKey } from '#lib/money/payments/items.js';
import { nonceKey, payoutKey } from '#lib/money/payouts/items.js';
import { connectionKey } from '#lib/notify/realtime/connections.js';
import { tokenKey } from '#lib/notify/realtime/tokens.js';
import { attemptItem, deliveryKey, endpointCountKey, endpointKey, fanOutKey, redeliveryCountKey } from '#lib/notify/webhooks/items.js';
import { flowBucketKey, flowEventMarkerKey } from '#lib/treasury/flows/flow-items.js';
import { shortfallStateKey } from '#lib/treasury/planning/forecast-items.js';
import { cursorKey, raisedKey, redriveKey } from '#lib/treasury/reconcile/items.js';
import { statementsOf as templateStatementsOf } from '../../../scripts/stack/dynamodb-rights.js';
import { packagedTemplate, type PackagedTemplate } from '../../../scripts/stack/packaged-template.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string | string[]>> };

// The packaged prod template (what a deploy sends), not infra/ alone: osls adds and rewrites resources.
let template: PackagedTemplate;
beforeAll(() => { template = packagedTemplate(); }, 240_000);

/** Every statement a role carries: its inline policies and the managed policies it attaches. */
const statementsOf = (roleId: string) => templateStatementsOf(template, roleId) as Statement[];

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
const internetFacing = ['WebhooksRole', 'WebhookDeliverRole', 'NotifyRole', 'RealtimeRole', 'RealtimeTokensRole', 'CheckoutRole'];

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
    // The hot-wallet comparison: the account's shards and the chain's hot-wallet keys (a rotation's).
    ['ReconcileRole', 'Query', accountItemKey(platformAccount('hotwallet:local-a', 'USDC'), 'tr_1').pk],
    ['ReconcileRole', 'GetItem', hotWalletConfigKey('local-a').pk.S],
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

  // IAM cannot make a Put create-only (no condition key sees attribute_not_exists): an approval held
  // by a role that may Update or Delete it could be rewritten after members saw it (issue 19).
  it.each(internetFacing)('%s cannot update or delete an approval request', (role) => {
    for (const action of ['UpdateItem', 'DeleteItem']) expect(allows(role, action, approvalKey('apr_1').pk.S), `${role} ${action}`).toBe(false);
  });

  it.each([
    ['CheckoutRole', 'GetItem', chargeKey('ch_1').pk.S],
    ['CheckoutRole', 'PutItem', tokenKey('hash').pk.S],
    ['RealtimeRole', 'GetItem', chargeKey('ch_1').pk.S],
  ])('%s may %s what the checkout page and charge subscriptions need (%s)', (role, action, pk) => {
    expect(allows(role, action, pk)).toBe(true);
  });

  it('WebhooksRole may append to the audit log but not delete from it', () => {
    expect(allows('WebhooksRole', 'DeleteItem', auditPartition('mer_1'))).toBe(false);
  });

  it('a statement without a LeadingKeys condition on the table is found by the check (the check can fail)', () => {
    expect(allows('AuthorizeRole', 'PutItem', ledgerAndKeys['a merchant ledger account'])).toBe(true);
  });
});
