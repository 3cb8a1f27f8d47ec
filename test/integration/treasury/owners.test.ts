import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { decideApproval } from '#lib/merchants/approvals/decide.js';
import { requestTreasuryTransferApproval } from '#lib/merchants/approvals/request.js';
import { getMerchantProfile } from '#lib/merchants/merchants.js';
import { addMemberUnderPolicy, revokeMemberUnderPolicy, setPolicyUnderPolicy } from '#lib/merchants/approvals/member-changes.js';
import { authenticateMember } from '#lib/merchants/members/authenticate.js';
import { addMember, readMember, type MemberDeps } from '#lib/merchants/members/members.js';
import { boundOwnerCount, treasuryMerchant, treasuryOwnerBinding } from '#lib/merchants/members/treasury-owners.js';
import { heldChangeAppliers } from '../../../functions/commons/approval-deps.js';
import { Authenticator } from '../../support/authenticator.js';
import { clients, fundedMerchant, merchantDeps } from '../../support/deps.js';
import { isolatedTable } from '../../support/isolated.js';
import { stack } from '../../support/stack.js';
import { platformEventsOf } from '../../support/platform-events.js';

// Owner indexes and the treasury's merchant are stage-wide: each test binds them in a table of its own.
let tableName: string;
const treasury = { owners: 3, threshold: 2 };
const memberDeps = (): MemberDeps => ({ ...merchantDeps(), tableName, dataKeyId: stack().keys.DataKey!, treasury });
const email = () => `${randomUUID().slice(0, 8)}@example.com`;
const platformMerchant = async () => (await fundedMerchant(0n, (p) => ({ ...p, platform: true }), tableName)).merchant_id;

beforeEach(async () => {
  tableName = await isolatedTable();
});

describe('treasury owners (member add --owner)', () => {
  it('binds each owner key to one platform member, claims the treasury for that merchant, and shows the owner once', async () => {
    const platform = await platformMerchant();
    const ana = await addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 1 });
    expect(ana.treasury_owner).toBe(1);
    expect((await readMember(memberDeps(), platform, ana.id)).treasuryOwner).toBe(1);
    expect(await treasuryOwnerBinding(memberDeps(), 1)).toEqual({ memberId: ana.id, merchantId: platform });
    expect(await treasuryMerchant(memberDeps())).toBe(platform);
    expect(await boundOwnerCount(memberDeps(), platform)).toBe(1);
  });

  it('refuses a second member for a bound owner key (treasury_owner_taken), an index the Safes lack, and a stage without a treasury, writing nothing', async () => {
    const platform = await platformMerchant();
    const ana = await addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 2 });
    await expect(addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 2 })).rejects.toMatchObject({ code: 'treasury_owner_taken', detail: expect.stringContaining(ana.id) });
    await expect(addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 4 })).rejects.toMatchObject({ code: 'treasury_owner_unknown', extensions: { owner: 4, owners: 3 } });
    await expect(addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 0 })).rejects.toMatchObject({ code: 'treasury_owner_unknown' });
    await expect(addMember({ ...memberDeps(), treasury: undefined }, { merchantId: platform, email: email(), treasuryOwner: 1 })).rejects.toMatchObject({ code: 'treasury_not_configured' });
    expect(await boundOwnerCount(memberDeps(), platform)).toBe(1);
    expect(await treasuryOwnerBinding(memberDeps(), 1)).toBeUndefined();
  });

  it('refuses an owner for a merchant that is not the platform, and for a second platform merchant once the first holds the treasury', async () => {
    const ordinary = (await fundedMerchant(0n, undefined, tableName)).merchant_id;
    await expect(addMember(memberDeps(), { merchantId: ordinary, email: email(), treasuryOwner: 1 })).rejects.toMatchObject({ code: 'treasury_platform_only' });
    const first = await platformMerchant();
    const second = await platformMerchant();
    await addMember(memberDeps(), { merchantId: first, email: email(), treasuryOwner: 1 });
    await expect(addMember(memberDeps(), { merchantId: second, email: email(), treasuryOwner: 2 })).rejects.toMatchObject({ code: 'treasury_other_merchant', detail: expect.stringContaining(first) });
    expect(await treasuryOwnerBinding(memberDeps(), 2)).toBeUndefined();
  });

  it('lets only one of four members racing for the same owner key bind it', async () => {
    const platform = await platformMerchant();
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 3 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const refused of results.filter((r) => r.status === 'rejected')) expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'treasury_owner_taken' });
    expect(await boundOwnerCount(memberDeps(), platform)).toBe(1);
  });

  it('frees a revoked owner\'s key for a new member, unless the treasury rule would be left without its signers', async () => {
    const platform = await platformMerchant();
    const [ana, ben, cy] = await Promise.all([1, 2, 3].map((owner) => addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: owner })));
    // Members besides the owners: the active count alone would let any of them go.
    await Promise.all([1, 2].map(() => addMember(memberDeps(), { merchantId: platform, email: email() })));
    expect(await setPolicyUnderPolicy(memberDeps(), { merchantId: platform, policy: { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 } })).toMatchObject({ merchant_id: platform });

    expect(await revokeMemberUnderPolicy(memberDeps(), { merchantId: platform, memberId: cy!.id })).toEqual({ member_id: cy!.id, revoked: true });
    expect(await treasuryOwnerBinding(memberDeps(), 3)).toBeUndefined();
    expect(await boundOwnerCount(memberDeps(), platform)).toBe(2);
    // Two bound, two asked: neither may go.
    await expect(revokeMemberUnderPolicy(memberDeps(), { merchantId: platform, memberId: ben!.id })).rejects.toMatchObject({ code: 'policy_unsatisfiable', detail: expect.stringContaining('treasury owner keys') });
    expect((await readMember(memberDeps(), platform, ben!.id)).revokedAt).toBeUndefined();

    const dee = await addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 3 });
    expect(await treasuryOwnerBinding(memberDeps(), 3)).toEqual({ memberId: dee.id, merchantId: platform });
    expect(await boundOwnerCount(memberDeps(), platform)).toBe(3);
    expect(ana!.treasury_owner).toBe(1);
  });

  it('binds a held owner only when the request is approved, and refuses it then if the key was bound meanwhile', async () => {
    const platform = await platformMerchant();
    const approver = await addMember(memberDeps(), { merchantId: platform, email: email() });
    await setPolicyUnderPolicy(memberDeps(), { merchantId: platform, policy: { admin_changes: { approvals: 1 }, expires_after_seconds: 3600 } });

    const held = await addMemberUnderPolicy(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 1 });
    expect(held.approval).toMatchObject({ status: 'pending', action: 'member.add', details: { treasury_owner: 1 } });
    expect(await treasuryOwnerBinding(memberDeps(), 1)).toBeUndefined();
    const racing = await addMemberUnderPolicy(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: 1 });

    const { dynamodb, kms } = clients();
    const approvals = { dynamodb, kms, tableName, appliers: heldChangeAppliers({ dynamodb, tableName, holdExpiryMs: 3600_000 }), now: () => new Date() };
    const app = new Authenticator(approver.otpauth_uri);
    const approved = await decideApproval(approvals, { merchantId: platform, memberId: approver.id, approvalId: held.approval!.id, decision: 'approve', code: await app.nextCode() });
    expect(approved.status).toBe('approved');
    expect(await treasuryOwnerBinding(memberDeps(), 1)).toEqual({ memberId: held.id, merchantId: platform });
    expect((await authenticateMember(memberDeps(), held.key)).memberId).toBe(held.id);

    await expect(decideApproval(approvals, { merchantId: platform, memberId: approver.id, approvalId: racing.approval!.id, decision: 'approve', code: await app.nextCode() }))
      .rejects.toMatchObject({ code: 'treasury_owner_taken' });
    expect(await boundOwnerCount(memberDeps(), platform)).toBe(1);
  });
});

describe('the treasury rule of the approval policy', () => {
  it('is refused below the Safe threshold, to a merchant that is not the platform, and above the bound owners; set once enough owners are bound', async () => {
    const platform = await platformMerchant();
    await Promise.all([1, 2].map(() => addMember(memberDeps(), { merchantId: platform, email: email() })));
    const policy = (approvals: number) => ({ treasury: { approvals }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 });

    await expect(setPolicyUnderPolicy(memberDeps(), { merchantId: platform, policy: policy(1) })).rejects.toMatchObject({ code: 'treasury_approvals_below_threshold', extensions: { approvals_asked: 1, threshold: 2 } });
    await expect(setPolicyUnderPolicy(memberDeps(), { merchantId: platform, policy: policy(2) })).rejects.toMatchObject({ code: 'policy_unsatisfiable', detail: expect.stringContaining('0 member(s) are bound to owner keys') });
    const ordinary = (await fundedMerchant(0n, undefined, tableName)).merchant_id;
    await Promise.all([1, 2].map(() => addMember(memberDeps(), { merchantId: ordinary, email: email() })));
    await expect(setPolicyUnderPolicy(memberDeps(), { merchantId: ordinary, policy: policy(2) })).rejects.toMatchObject({ code: 'treasury_platform_only' });
    await expect(setPolicyUnderPolicy({ ...memberDeps(), treasury: undefined }, { merchantId: platform, policy: policy(2) })).rejects.toMatchObject({ code: 'treasury_not_configured' });

    await Promise.all([1, 2].map((owner) => addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: owner })));
    expect(await setPolicyUnderPolicy(memberDeps(), { merchantId: platform, policy: policy(2) })).toEqual({ merchant_id: platform, policy: policy(2) });
  });
});

describe('a treasury transfer held for approval', () => {
  it('is decided by bound owners only, approved at the treasury rule\'s count, and never requested without the rule', async () => {
    const platform = await platformMerchant();
    const { dynamodb, kms } = clients();
    const approvals = { dynamodb, kms, tableName, appliers: heldChangeAppliers({ dynamodb, tableName, holdExpiryMs: 3600_000 }), now: () => new Date() };
    const request = async () => requestTreasuryTransferApproval(memberDeps(), {
      merchant: await getMerchantProfile(memberDeps(), platform), transferId: 'tt_0123456789abcdef', safeTxHash: `0x${'ab'.repeat(32)}`, details: { amount: '5000000', from: 'local-a', to: 'local-b' }, job: 'forecast-batch', now: new Date(),
    });
    await expect(request()).rejects.toMatchObject({ code: 'treasury_rule_missing' });

    const viewer = await addMember(memberDeps(), { merchantId: platform, email: email() });
    const [ana, ben] = await Promise.all([1, 2].map((owner) => addMember(memberDeps(), { merchantId: platform, email: email(), treasuryOwner: owner })));
    await setPolicyUnderPolicy(memberDeps(), { merchantId: platform, policy: { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 } });
    const held = await request();
    expect(held).toMatchObject({ status: 'pending', action: 'treasury.transfer', subject: 'tt_0123456789abcdef', approvals_required: 2, requested_by: { type: 'system', id: 'forecast-batch' } });

    const decide = async (member: typeof ana) => decideApproval(approvals, {
      merchantId: platform, memberId: member!.id, approvalId: held.id, decision: 'approve', code: await new Authenticator(member!.otpauth_uri).nextCode(),
    });
    await expect(decide(viewer)).rejects.toMatchObject({ code: 'member_not_treasury_owner' });
    expect((await decide(ana)).status).toBe('pending');
    expect(await decide(ben)).toMatchObject({ status: 'approved', approvals: [{ member: ana!.id }, { member: ben!.id }] });
    // Each approval wrote the event the treasury function signs on, naming the SafeTx the change hash binds.
    expect(held.details).toMatchObject({ safe_tx_hash: `0x${'ab'.repeat(32)}` });
    const events = await platformEventsOf(tableName, 'tt_0123456789abcdef');
    expect(events.map((e) => [e.type, e.data.object.member ?? null])).toEqual([
      ['treasury.proposal.approved_by', ana!.id],
      ['treasury.proposal.approved', null],
    ]);
  });
});
