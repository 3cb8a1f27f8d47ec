import { describe, expect, it } from 'vitest';
import { adminActions, approvalPolicySchema, mostApprovalsAsked, requiredApprovals } from '#lib/merchants/approvals/policy.js';

const policy = approvalPolicySchema.parse({ payouts: { at_or_above: '1000000000', approvals: 2 } });

describe('approval policy evaluation', () => {
  it('asks nothing of a merchant without a policy, whatever the action', () => {
    expect(requiredApprovals(undefined, { kind: 'payout', amountMinor: 10n ** 20n, asset: 'USDC' }).approvals).toBe(0);
    for (const kind of adminActions) expect(requiredApprovals(undefined, { kind }).approvals).toBe(0);
  });

  it('holds a payout at the threshold and above for M approvals, and lets one just below through', () => {
    expect(requiredApprovals(policy, { kind: 'payout', amountMinor: 1_000_000_000n, asset: 'USDC' })).toMatchObject({ approvals: 2, rule: 'payouts.at_or_above' });
    expect(requiredApprovals(policy, { kind: 'payout', amountMinor: 5_000_000_000n, asset: 'USDT' }).approvals).toBe(2);
    expect(requiredApprovals(policy, { kind: 'payout', amountMinor: 999_999_999n, asset: 'USDC' })).toMatchObject({ approvals: 0, rule: 'none' });
  });

  it('holds no payout when the policy has no payouts rule', () => {
    const adminOnly = approvalPolicySchema.parse({});
    expect(requiredApprovals(adminOnly, { kind: 'payout', amountMinor: 10n ** 25n, asset: 'USDC' }).approvals).toBe(0);
  });

  it('asks one approval for every administrative change once a policy is set, unless it says 0', () => {
    for (const kind of adminActions) expect(requiredApprovals(policy, { kind })).toMatchObject({ approvals: 1, rule: 'admin_changes' });
    const off = approvalPolicySchema.parse({ admin_changes: { approvals: 0 } });
    for (const kind of adminActions) expect(requiredApprovals(off, { kind }).approvals).toBe(0);
  });

  it('expires requests after 24 hours by default, or after the policy\'s time', () => {
    expect(requiredApprovals(policy, { kind: 'risk.set' }).expiresAfterSeconds).toBe(86_400);
    const quick = approvalPolicySchema.parse({ expires_after_seconds: 600 });
    expect(requiredApprovals(quick, { kind: 'risk.set' }).expiresAfterSeconds).toBe(600);
  });

  it('refuses malformed policies: unknown fields, zero payout approvals, a non-integer amount', () => {
    expect(approvalPolicySchema.safeParse({ payout: {} }).success).toBe(false);
    expect(approvalPolicySchema.safeParse({ payouts: { at_or_above: '100', approvals: 0 } }).success).toBe(false);
    expect(approvalPolicySchema.safeParse({ payouts: { at_or_above: '1.5', approvals: 1 } }).success).toBe(false);
    expect(approvalPolicySchema.safeParse({ payouts: { at_or_above: 100, approvals: 1 } }).success).toBe(false);
  });

  it('names the most approvals any rule asks, which the merchant needs as members', () => {
    expect(mostApprovalsAsked(policy)).toBe(2);
    expect(mostApprovalsAsked(approvalPolicySchema.parse({ admin_changes: { approvals: 3 } }))).toBe(3);
  });
});
