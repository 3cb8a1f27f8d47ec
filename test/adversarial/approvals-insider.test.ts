import { createHash } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideApproval } from '#lib/merchants/approvals/decide.js';
import { approvalKey } from '#lib/merchants/approvals/items.js';
import { memberKey } from '#lib/merchants/members/items.js';
import { api } from '../support/api.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { addMember, cliOutput, decide } from '../support/members.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { approvalDeps } from '../support/approvals.js';

/**
 * Issue 19, "approvals and members": an insider (the operator, or a function that may put APPROVAL#
 * items) trying to get a change applied that the policy's members did not approve.
 *
 * TOTP: each member's authenticator hands out two codes without waiting for the clock (this step's
 * and, early, the next one's); no member here is asked for more than two.
 */

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);
const threshold = usdc(100);

/** A funded merchant with these members, then this policy (the first policy applies at once). */
async function merchantWith(names: string[], policy: Record<string, unknown>) {
  const merchant = await fundedMerchant(usdc(1_000));
  const members = await Promise.all(names.map((name) => addMember(lanepay, merchant.merchant_id, `${name}@example.com`)));
  cliOutput(await lanepay('approval-policy', 'set', '--merchant', merchant.merchant_id, '--policy', JSON.stringify(policy)));
  return { merchant, members };
}

async function storedMember(memberId: string) {
  return (await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: memberKey(memberId), ConsistentRead: true }))).Item;
}

/** Decides through lib/, as the approvals function does once the authorizer (maybe its cache) let the key in. */
function decideDirectly(memberId: string, merchantId: string, approvalId: string, code: string) {
  return decideApproval(approvalDeps({ holdExpiryMs: 3600_000 }), {
    merchantId, memberId, approvalId, decision: 'approve', code,
  });
}

beforeAll(() => {
  cli = cliAgainstTestStack();
});
afterAll(() => cli.cleanup());

describe('one operator against an M-of-N policy', () => {
  it('cannot add a member of their own under a 2-of-2 policy: the new key is refused until two members approve, and the member never decides older requests', async () => {
    const { merchant, members: [ana, ben] } = await merchantWith(['ana', 'ben'], { admin_changes: { approvals: 2 } });
    const merchantId = merchant.merchant_id;
    // A change already waiting when the operator adds their member.
    const older = cliOutput(await lanepay('merchant', 'set-risk', '--merchant', merchantId, '--rules', JSON.stringify({ maxPerPaymentMinor: { USDC: '1' } })));
    expect(older).toMatchObject({ status: 'pending', action: 'risk.set' });

    const added = cliOutput(await lanepay('member', 'add', '--merchant', merchantId, '--email', 'mallory@example.com'));
    expect((await api('GET', '/v1/approvals', { key: added.key })).status).toBe(401);
    expect(added.approval).toMatchObject({ status: 'pending', action: 'member.add', subject: added.id, approvals_required: 2, details: { email: 'mallory@example.com' } });
    expect(await storedMember(added.id)).toBeUndefined();

    const first = await decide(ana!, added.approval.id, 'approve');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('pending');
    expect(await storedMember(added.id)).toBeUndefined();
    const second = await decide(ben!, added.approval.id, 'approve');
    expect(second.body.status).toBe('approved');
    expect((await storedMember(added.id))?.email?.S).toBe('mallory@example.com');

    // Added after `older` was requested: refused before its code is looked at.
    await expect(decideDirectly(added.id, merchantId, older.id, '000000')).rejects.toMatchObject({ code: 'member_not_eligible' });
  });

  it('cannot keep a departed member: `member revoke` is held, then the key is refused within the authorizer cache\'s 60 s and its pending approval stops counting', async () => {
    const policy = { payouts: { at_or_above: threshold.toString(), approvals: 2 }, admin_changes: { approvals: 2 } };
    const { merchant, members: [ana, ben, cy, dan] } = await merchantWith(['ana', 'ben', 'cy', 'dan'], policy);
    const merchantId = merchant.merchant_id;
    const held = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: threshold.toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() } });
    expect(held.body.status, JSON.stringify(held.body)).toBe('requires_approval');
    expect((await decide(ana!, held.body.approval_id, 'approve')).body).toMatchObject({ status: 'pending', approvals: [{ member: ana!.id }] });

    const revoke = cliOutput(await lanepay('member', 'revoke', '--merchant', merchantId, '--member', ana!.id));
    expect(revoke).toMatchObject({ member_id: ana!.id, revoked: false, approval: { status: 'pending', action: 'member.revoke', subject: ana!.id, approvals_required: 2 } });
    expect((await decide(ben!, revoke.approval.id, 'approve')).body.status).toBe('pending');
    expect((await decide(cy!, revoke.approval.id, 'approve')).body.status).toBe('approved');
    expect((await storedMember(ana!.id))?.revokedAt?.S).toEqual(expect.any(String));

    // Even while a cached authorizer answer still lets the key in, a decision refuses the member.
    await expect(decideDirectly(ana!.id, merchantId, held.body.approval_id, '000000')).rejects.toMatchObject({ code: 'member_revoked' });
    // Refused by the authorizer once its cached answer (60 s, docs/security.md) has expired.
    await waitFor('the revoked member key to be refused', async () => ((await api('GET', '/v1/approvals', { key: ana!.key })).status === 401 ? true : undefined), { timeoutMs: 75_000, intervalMs: 1_000 });

    // Ana's approval no longer counts: the payout needs two approvals of active members.
    const afterBen = await decide(ben!, held.body.approval_id, 'approve');
    expect(afterBen.status, JSON.stringify(afterBen.body)).toBe(200);
    expect(afterBen.body.status).toBe('pending');
    expect((await decide(dan!, held.body.approval_id, 'approve')).body.status).toBe('approved');
  }, 120_000);

  it('cannot lower the policy alone: under a 2-of-N admin policy `approval-policy set` with admin_changes 0 is held, the old policy stays in force until two members approve', async () => {
    const policy = { payouts: { at_or_above: threshold.toString(), approvals: 2 }, admin_changes: { approvals: 2 } };
    const { merchant, members: [ana, ben] } = await merchantWith(['ana', 'ben', 'cy'], policy);
    const merchantId = merchant.merchant_id;
    const lowered = { payouts: { at_or_above: threshold.toString(), approvals: 1 }, admin_changes: { approvals: 0 } };

    const held = cliOutput(await lanepay('approval-policy', 'set', '--merchant', merchantId, '--policy', JSON.stringify(lowered)));
    expect(held).toMatchObject({ object: 'approval', status: 'pending', action: 'approval_policy.set', approvals_required: 2, approvals: [] });
    const before = cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).approvals;
    expect(before).toMatchObject(policy);

    const first = await decide(ana!, held.id, 'approve');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'pending', approvals_required: 2 });
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).approvals).toEqual(before);
    // Still in force: an admin change asked now is held too.
    const risk = cliOutput(await lanepay('merchant', 'set-risk', '--merchant', merchantId, '--rules', JSON.stringify({ maxPerPaymentMinor: { USDC: usdc(10).toString() } })));
    expect(risk).toMatchObject({ status: 'pending', approvals_required: 2 });

    const second = await decide(ben!, held.id, 'approve');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.status).toBe('approved');
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).approvals).toMatchObject(lowered);
  });

  it('cannot leave the policy unsatisfiable: a revocation below M is refused when asked and when applied, and a policy asking more than the active members is refused', async () => {
    const policy = { payouts: { at_or_above: threshold.toString(), approvals: 2 }, admin_changes: { approvals: 1 } };
    const { merchant, members: [ana, ben, cy] } = await merchantWith(['ana', 'ben', 'cy'], policy);
    const merchantId = merchant.merchant_id;
    // Each is allowed alone (three active, the policy asks two).
    const revokeCy = cliOutput(await lanepay('member', 'revoke', '--merchant', merchantId, '--member', cy!.id));
    const revokeBen = cliOutput(await lanepay('member', 'revoke', '--merchant', merchantId, '--member', ben!.id));
    expect((await decide(ana!, revokeCy.approval.id, 'approve')).body.status).toBe('approved');

    const second = await decide(ana!, revokeBen.approval.id, 'approve');
    expect(second.status, JSON.stringify(second.body)).toBe(409);
    expect(second.body).toMatchObject({ code: 'policy_unsatisfiable', approvals_asked: 2 });
    expect((await storedMember(ben!.id))?.revokedAt).toBeUndefined();
    const pending = await api('GET', '/v1/approvals?status=pending', { key: merchant.api_key });
    expect(pending.body.data.find((a: any) => a.id === revokeBen.approval.id)).toMatchObject({ status: 'pending', approvals: [] });

    const now = await lanepay('member', 'revoke', '--merchant', merchantId, '--member', ben!.id);
    expect(now.code).toBe(1);
    expect(now.stderr).toMatch(/policy_unsatisfiable: Revoking mem_\w+ would leave 1 active member\(s\) where the policy asks for 2/);
    // Three members exist, two are active.
    const stricter = await lanepay('approval-policy', 'set', '--merchant', merchantId, '--policy', JSON.stringify({ ...policy, payouts: { ...policy.payouts, approvals: 3 } }));
    expect(stricter.code).toBe(1);
    expect(stricter.stderr).toMatch(/policy_unsatisfiable: The policy asks for 3 approval\(s\) but the merchant has 2 active member\(s\)/);
  });
});

describe('a request altered in the table', () => {
  /** A function that may put APPROVAL# items (webhooks: a held endpoint's request) rewrites a pending request's decision fields. */
  async function rewriteRequest(approvalId: string, edit: (approval: Record<string, any>) => Record<string, any>) {
    const key = { TableName: stack().tableName, Key: approvalKey(approvalId), ConsistentRead: true };
    const item = (await clients().dynamodb.send(new GetItemCommand(key))).Item!;
    const object = edit(JSON.parse(item.object!.S!));
    await clients().dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: { ...item, object: { S: JSON.stringify(object) } } }));
  }

  it('cannot lower the approvals a request needs: with approvals_required rewritten to 1 under a 2-of-N policy, one member\'s approval leaves it pending and applies nothing', async () => {
    const { merchant, members: [ana, ben] } = await merchantWith(['ana', 'ben', 'cy'], { admin_changes: { approvals: 2 } });
    const merchantId = merchant.merchant_id;
    const rules = { maxPerPaymentMinor: { USDC: usdc(10).toString() } };
    const held = cliOutput(await lanepay('merchant', 'set-risk', '--merchant', merchantId, '--rules', JSON.stringify(rules)));
    expect(held).toMatchObject({ status: 'pending', approvals_required: 2 });
    await rewriteRequest(held.id, (approval) => ({ ...approval, approvals_required: 1 }));

    const first = await decide(ana!, held.id, 'approve');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'pending', approvals_required: 2 });
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).risk).toEqual({});
    expect((await decide(ben!, held.id, 'approve')).body.status).toBe('approved');
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).risk).toEqual(rules);
  });

  it('cannot forge approvals: a member written into a request\'s approvals without deciding does not count, and can still approve it', async () => {
    const { merchant, members: [ana, ben] } = await merchantWith(['ana', 'ben', 'cy'], { admin_changes: { approvals: 2 } });
    const merchantId = merchant.merchant_id;
    const rules = { maxPerPaymentMinor: { USDC: usdc(10).toString() } };
    const held = cliOutput(await lanepay('merchant', 'set-risk', '--merchant', merchantId, '--rules', JSON.stringify(rules)));
    await rewriteRequest(held.id, (approval) => ({ ...approval, approvals: [{ member: ben!.id, at: new Date().toISOString() }] }));

    const first = await decide(ana!, held.id, 'approve');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('pending');
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).risk).toEqual({});
    const second = await decide(ben!, held.id, 'approve');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.status).toBe('approved');
    expect(second.body.approvals.map((given: { member: string }) => given.member)).toEqual([ana!.id, ben!.id]);
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).risk).toEqual(rules);
  });

  it('refuses to apply a stored change other than the one members see and its change_hash names: nothing is applied', async () => {
    const { merchant, members: [ana] } = await merchantWith(['ana', 'ben'], { admin_changes: { approvals: 1 } });
    const merchantId = merchant.merchant_id;
    const rules = { maxPerPaymentMinor: { USDC: usdc(10).toString() } };
    const held = cliOutput(await lanepay('merchant', 'set-risk', '--merchant', merchantId, '--rules', JSON.stringify(rules)));
    const key = { TableName: stack().tableName, Key: approvalKey(held.id), ConsistentRead: true };
    const item = (await clients().dynamodb.send(new GetItemCommand(key))).Item!;

    const listed = (await api('GET', '/v1/approvals?status=pending', { key: merchant.api_key })).body.data.find((a: any) => a.id === held.id);
    const change = JSON.parse(item.change!.S!);
    expect(change).toEqual({ kind: 'risk.set', risk: rules });

    // A function that may put APPROVAL# items swaps the change: members still see the risk change.
    const swapped = { kind: 'approval_policy.set', policy: { admin_changes: { approvals: 0 }, expires_after_seconds: 86_400 } };
    await clients().dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: { ...item, change: { S: JSON.stringify(swapped) } } }));

    const approved = await decide(ana!, held.id, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(409);
    // Listing showed the hash of what members see with the change stored to be applied (RFC 8785, SHA-256).
    const expected = createHash('sha256').update(canonicalize({ action: listed.action, subject: listed.subject, details: listed.details, change })!).digest('hex');
    expect(listed.change_hash).toBe(expected);
    expect(approved.body).toMatchObject({ code: 'change_mismatch', change_hash: expected });
    const shown = cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId));
    expect(shown.approvals.admin_changes).toEqual({ approvals: 1 });
    expect(shown.risk).toEqual({});
    const after = (await clients().dynamodb.send(new GetItemCommand(key))).Item!;
    expect(after.status!.S).toBe('pending');
    expect(after.version!.N).toBe(item.version!.N);
  });

  it('refuses a change of the same kind with other content (a higher limit than members approved)', async () => {
    const { merchant, members: [ana] } = await merchantWith(['ana', 'ben'], { admin_changes: { approvals: 1 } });
    const merchantId = merchant.merchant_id;
    const held = cliOutput(await lanepay('merchant', 'set-risk', '--merchant', merchantId, '--rules', JSON.stringify({ maxPerPaymentMinor: { USDC: usdc(10).toString() } })));
    const item = (await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: approvalKey(held.id), ConsistentRead: true }))).Item!;
    const raised = { kind: 'risk.set', risk: { maxPerPaymentMinor: { USDC: usdc(1_000_000).toString() } } };
    await clients().dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: { ...item, change: { S: JSON.stringify(raised) } } }));

    const approved = await decide(ana!, held.id, 'approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(409);
    expect(approved.body.code).toBe('change_mismatch');
    expect(cliOutput(await lanepay('merchant', 'show', '--merchant', merchantId)).risk).toEqual({});
  });
});
