import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApproval } from '../../../lib/approvals/items.js';
import { expireDueApprovals } from '../../../lib/approvals/expire.js';
import { readMerchantLog } from '../../../lib/audit/reads.js';
import { createCharge } from '../../../lib/charges/create.js';
import { expireDueCharges } from '../../../lib/charges/expire.js';
import { requestFingerprint } from '../../../lib/idempotency/store.js';
import { readChargeRecord } from '../../../lib/charges/query.js';
import { getMerchantProfile } from '../../../lib/merchants/merchants.js';
import { authorizePayment } from '../../../lib/payments/authorize.js';
import { getPayment } from '../../../lib/payments/query.js';
import { api } from '../../support/api.js';
import { chainByName } from '../../support/chain.js';
import { cliAgainstTestStack } from '../../support/cli.js';
import { addMember as addMemberWith, cliOutput, decide as decideAs, type Member } from '../../support/members.js';
import { chainRegistry, clients, fundedMerchant, merchantDeps, paymentDeps, someAddress, usdc } from '../../support/deps.js';
import { payerOn } from '../../support/pay-ins.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);

const output = cliOutput;
const addMember = (merchantId: string, email: string) => addMemberWith(lanepay, merchantId, email);

async function decide(member: Member, approvalId: string, decision: 'approve' | 'reject') {
  const answer = await decideAs(member, approvalId, decision);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** The merchant's records in time order (across lanes, the order of their `at`), less those whose hash is in `except`. */
const actions = async (merchantId: string, except = new Set<string>()) => (await readMerchantLog({ dynamodb: clients().dynamodb, tableName: stack().tableName }, merchantId))
  .filter((r) => !except.has(r.hash)).map((r) => ({ hash: r.hash, action: r.body.action, actor: r.body.actor, object: r.body.object }));

describe('the audit log of approvals and pay-ins', () => {
  beforeAll(() => {
    cli = cliAgainstTestStack();
  });
  afterAll(() => cli.cleanup());

  it('records members, policies, approval requests and decisions, and charges created, paid and expired, in order, and verifies', async () => {
    const merchant = await fundedMerchant(usdc(1_000));
    const merchantId = merchant.merchant_id;
    const before = new Set((await actions(merchantId)).map((r) => r.hash));
    const startedMs = Date.now();
    const threshold = usdc(100);
    // Payments go through lib/ with the profile read fresh (the stack's authorizer caches it for 60 s).
    const holdPayout = async () => {
      const profile = await getMerchantProfile(merchantDeps(), merchantId);
      const { payment } = await authorizePayment(paymentDeps(), {
        merchant: profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
        body: { amount: threshold.toString(), asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual', metadata: {} },
      });
      expect(payment.status).toBe('requires_approval');
      return payment as typeof payment & { approval_id: string };
    };
    const { dynamodb, kms } = clients();
    const expireApprovals = () => expireDueApprovals({ dynamodb, kms, tableName: stack().tableName, holdExpiryMs: 7 * 24 * 3600_000, now: () => new Date() });

    const ana = await addMember(merchantId, 'ana@example.com');
    const ben = await addMember(merchantId, 'ben@example.com');
    output(await lanepay('approval-policy', 'set', '--merchant', merchantId, '--policy', JSON.stringify({ payouts: { at_or_above: threshold.toString(), approvals: 1 } })));

    // An operator's change asked for by a member, applied by another member's approval.
    const key = output(await lanepay('key', 'create', '--merchant', merchantId, '--requested-by', ana.id));
    expect((await decide(ben, key.approval.id, 'approve')).status).toBe('approved');
    // One rejected.
    const risk = output(await lanepay('merchant', 'set-risk', '--merchant', merchantId, '--rules', JSON.stringify({ maxPerPaymentMinor: { USDC: usdc(500).toString() } })));
    expect((await decide(ana, risk.id, 'reject')).status).toBe('rejected');
    // A payout held, then released by a member.
    const released = await holdPayout();
    expect((await decide(ana, released.approval_id, 'approve')).status).toBe('approved');
    // Canceled at once: left authorized, the stack's 20 s hold expiry would add a record at a time of its choosing.
    const releasedCanceled = await api('POST', `/v1/payments/${released.id}/cancel`, { key: merchant.api_key, body: {} });
    expect(releasedCanceled.status, JSON.stringify(releasedCanceled.body)).toBe(200);
    // The policy itself changed through an approval: requests now expire after a second.
    const policy = output(await lanepay('approval-policy', 'set', '--merchant', merchantId, '--policy', JSON.stringify({ payouts: { at_or_above: threshold.toString(), approvals: 1 }, expires_after_seconds: 1 })));
    expect((await decide(ben, policy.id, 'approve')).status).toBe('approved');
    // A held change and a held payout left to expire, one after the other (the sweep takes both in any order).
    const revoke = output(await lanepay('key', 'revoke', '--key', key.key_id));
    const table = { dynamodb, tableName: stack().tableName };
    // Waits on the change itself, not on its record, so a missing record fails the comparison below.
    const expired = (what: string, read: () => Promise<string>) => waitFor(what, async () => {
      await expireApprovals(); // the sweep the schedule runs; it may have run already
      return (await read()) === 'expired' ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    await expired('the revocation request to expire', async () => (await readApproval(table, merchantId, revoke.approval.id)).approval.status);
    const expiring = await holdPayout();
    await expired('the held payout to expire', async () => (await getPayment(paymentDeps(), merchantId, expiring.id)).status);

    // A charge paid on chain, credited by the stack's chain-watch.
    const paid = await api('POST', '/v1/charges', { key: merchant.api_key, body: { amount: '1500000', asset: 'USDC', chains: ['local-a'] } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const payer = await payerOn(chainByName('local-a'));
    await payer.pay(paid.body.addresses[0].deposit_address, 1_500_000n);
    await waitFor('the charge credited by chain-watch', async () => {
      const read = await api('GET', `/v1/charges/${paid.body.id}`, { key: merchant.api_key });
      return read.body.status === 'succeeded' ? true : undefined;
    }, { timeoutMs: 150_000, intervalMs: 1000 });
    // A charge opened with the shortest life on a clock set back, before this test's first record (on a
    // loaded machine the steps above take more than the minute it lives), closed by the expiry sweep (or the stack's schedule).
    const openedAt = new Date(Math.min(Date.now() - 61_000, startedMs - 1_000));
    const chargeDeps = { dynamodb, tableName: stack().tableName, chains: chainRegistry(), checkoutBaseUrl: `${stack().apiUrl}/checkout`, now: () => openedAt };
    const body = { asset: 'USDC', amount: '1000000', expires_in: 60 };
    const { charge: late } = await createCharge(chargeDeps, {
      merchant: merchant.profile, idempotencyKey: randomUUID(), fingerprint: requestFingerprint('POST /v1/charges', body), body,
    });
    await waitFor('the charge to expire', async () => {
      await expireDueCharges({ ...chargeDeps, now: () => new Date() });
      return (await readChargeRecord(table, late.id))?.charge.status === 'expired' ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    const canceled = await api('POST', `/v1/charges/${late.id}/cancel`, { key: merchant.api_key, idempotencyKey: false });
    expect(canceled.status).toBe(409); // expired: nothing changed, nothing recorded
    expect(canceled.body.code).toBe('charge_not_cancelable');

    const records = (await actions(merchantId, before)).map(({ hash, ...record }) => record);
    const member = (m: Member) => ({ type: 'member', id: m.id });
    const operator = { type: 'operator', id: null };
    const system = { type: 'system', id: null };
    expect(records).toEqual([
      // Opened on a clock set back before the test's first record: its record carries that time, so it comes first in time order.
      { action: 'charge.created', actor: { type: 'api_key', id: null }, object: { type: 'charge', id: late.id } },
      { action: 'member.added', actor: operator, object: { type: 'member', id: ana.id } },
      { action: 'member.added', actor: operator, object: { type: 'member', id: ben.id } },
      { action: 'approval_policy.updated', actor: operator, object: { type: 'merchant', id: merchantId } },
      { action: 'approval.requested', actor: member(ana), object: { type: 'approval', id: key.approval.id } },
      { action: 'api_key.created', actor: member(ben), object: { type: 'api_key', id: key.key_id } },
      { action: 'approval.requested', actor: operator, object: { type: 'approval', id: risk.id } },
      { action: 'approval.rejected', actor: member(ana), object: { type: 'approval', id: risk.id } },
      { action: 'payment.authorized', actor: { type: 'api_key', id: null }, object: { type: 'payment', id: released.id } },
      { action: 'payment.approved', actor: member(ana), object: { type: 'payment', id: released.id } },
      { action: 'payment.canceled', actor: { type: 'api_key', id: expect.stringMatching(/^key_/) }, object: { type: 'payment', id: released.id } },
      { action: 'approval.requested', actor: operator, object: { type: 'approval', id: policy.id } },
      { action: 'approval_policy.updated', actor: member(ben), object: { type: 'merchant', id: merchantId } },
      { action: 'approval.requested', actor: operator, object: { type: 'approval', id: revoke.approval.id } },
      { action: 'approval.expired', actor: system, object: { type: 'approval', id: revoke.approval.id } },
      { action: 'payment.authorized', actor: { type: 'api_key', id: null }, object: { type: 'payment', id: expiring.id } },
      { action: 'payment.expired', actor: system, object: { type: 'payment', id: expiring.id } },
      { action: 'charge.created', actor: { type: 'api_key', id: expect.stringMatching(/^key_/) }, object: { type: 'charge', id: paid.body.id } },
      { action: 'charge.deposit_seen', actor: system, object: { type: 'charge', id: paid.body.id } },
      { action: 'charge.deposit_credited', actor: system, object: { type: 'charge', id: paid.body.id } },
      { action: 'charge.expired', actor: system, object: { type: 'charge', id: late.id } },
    ]);

    const verified = await lanepay('audit', 'verify', '--merchant', merchantId);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, records_checked: before.size + records.length });
  }, 300_000);
});
