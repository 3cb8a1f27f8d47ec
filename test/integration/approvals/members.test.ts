import { randomUUID } from 'node:crypto';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { decideApproval } from '#lib/merchants/approvals/decide.js';
import { addMemberUnderPolicy, revokeMemberUnderPolicy, setPolicyUnderPolicy } from '#lib/merchants/approvals/member-changes.js';
import { activeMemberCount } from '#lib/merchants/members/active-count.js';
import { authenticateMember } from '#lib/merchants/members/authenticate.js';
import { activeMembersKey } from '#lib/merchants/members/items.js';
import { addMember, readMember, type MemberDeps } from '#lib/merchants/members/members.js';
import { Authenticator } from '../../support/authenticator.js';
import { clients, fundedMerchant, merchantDeps } from '../../support/deps.js';
import { stack } from '../../support/stack.js';
import { approvalDeps } from '../../support/approvals.js';

const memberDeps = (): MemberDeps => ({ ...merchantDeps(), dataKeyId: stack().keys.DataKey! });
const deps = () => approvalDeps({ holdExpiryMs: 3600_000 });
const email = () => `${randomUUID().slice(0, 8)}@example.com`;

describe('adding and revoking members', () => {
  it('revokes at once without a policy: the key is refused, a second revocation too, and the active count drops', async () => {
    const merchant = await fundedMerchant(0n);
    const [ana, ben] = await Promise.all([addMember(memberDeps(), { merchantId: merchant.merchant_id, email: email() }), addMember(memberDeps(), { merchantId: merchant.merchant_id, email: email() })]);
    expect(await activeMemberCount(memberDeps(), merchant.merchant_id)).toBe(2);
    expect((await authenticateMember(memberDeps(), ana!.key)).memberId).toBe(ana!.id);

    expect(await revokeMemberUnderPolicy(memberDeps(), { merchantId: merchant.merchant_id, memberId: ana!.id })).toEqual({ member_id: ana!.id, revoked: true });

    await expect(authenticateMember(memberDeps(), ana!.key)).rejects.toMatchObject({ code: 'unauthorized', detail: 'This member was revoked.' });
    expect((await authenticateMember(memberDeps(), ben!.key)).memberId).toBe(ben!.id);
    await expect(revokeMemberUnderPolicy(memberDeps(), { merchantId: merchant.merchant_id, memberId: ana!.id })).rejects.toMatchObject({ code: 'member_already_revoked' });
    expect(await activeMemberCount(memberDeps(), merchant.merchant_id)).toBe(1);
  });

  it('counts the active members of a merchant whose members predate the count, leaving out the revoked', async () => {
    const merchant = await fundedMerchant(0n);
    const added = await Promise.all([1, 2, 3].map(() => addMember(memberDeps(), { merchantId: merchant.merchant_id, email: email() })));
    await revokeMemberUnderPolicy(memberDeps(), { merchantId: merchant.merchant_id, memberId: added[0]!.id });
    await clients().dynamodb.send(new DeleteItemCommand({ TableName: stack().tableName, Key: activeMembersKey(merchant.merchant_id) }));

    expect(await activeMemberCount(memberDeps(), merchant.merchant_id)).toBe(2);
    // Written back: a policy asking for three is refused, two is set.
    const three = { admin_changes: { approvals: 3 }, expires_after_seconds: 3600 };
    await expect(setPolicyUnderPolicy(memberDeps(), { merchantId: merchant.merchant_id, policy: three })).rejects.toMatchObject({ code: 'policy_unsatisfiable', extensions: { approvals_asked: 3, active_members: 2 } });
    const two = { admin_changes: { approvals: 2 }, expires_after_seconds: 3600 };
    expect(await setPolicyUnderPolicy(memberDeps(), { merchantId: merchant.merchant_id, policy: two })).toEqual({ merchant_id: merchant.merchant_id, policy: two });
  });

  it('writes nothing of a held member whose request is rejected: its key never works', async () => {
    const merchant = await fundedMerchant(0n);
    const ana = await addMember(memberDeps(), { merchantId: merchant.merchant_id, email: email() });
    await setPolicyUnderPolicy(memberDeps(), { merchantId: merchant.merchant_id, policy: { admin_changes: { approvals: 1 }, expires_after_seconds: 3600 } });

    const held = await addMemberUnderPolicy(memberDeps(), { merchantId: merchant.merchant_id, email: email() });
    expect(held.approval).toMatchObject({ status: 'pending', action: 'member.add', subject: held.id, approvals_required: 1 });
    const rejected = await decideApproval(deps(), {
      merchantId: merchant.merchant_id, memberId: ana.id, approvalId: held.approval!.id, decision: 'reject', code: await new Authenticator(ana.otpauth_uri).nextCode(),
    });
    expect(rejected.status).toBe('rejected');
    await expect(readMember(memberDeps(), merchant.merchant_id, held.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(authenticateMember(memberDeps(), held.key)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await activeMemberCount(memberDeps(), merchant.merchant_id)).toBe(1);
  });
});
