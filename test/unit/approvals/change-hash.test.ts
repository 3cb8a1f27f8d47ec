import { describe, expect, it } from 'vitest';
import { assertChangeIntact, changeHash } from '#lib/merchants/approvals/change-hash.js';
import { ChangeMismatchError } from '#lib/merchants/approvals/errors.js';
import type { ApprovalRecord, HeldChange } from '#lib/merchants/approvals/items.js';
import { approvalPolicySchema } from '#lib/merchants/approvals/policy.js';
import { newApprovalRecord } from '#lib/merchants/approvals/request.js';

const risk: HeldChange = { kind: 'risk.set', risk: { maxPerPaymentMinor: { USDC: '10000000' } } };

function requested(change: HeldChange, details: Record<string, unknown> = { risk: (change as { risk?: unknown }).risk }): ApprovalRecord {
  return newApprovalRecord({
    merchantId: 'mer_1', change, subject: null, details,
    requirement: { approvals: 2, rule: 'admin_changes', expiresAfterSeconds: 60 },
    requestedBy: { type: 'operator', id: null }, now: new Date('2026-12-06T00:00:00Z'),
  });
}

describe('the change hash of an approval request', () => {
  it('is the SHA-256 of the canonical JSON of what members see and the change: key order and serialization do not matter', () => {
    const shown = { action: 'risk.set' as const, subject: null, details: { b: 2, a: 1 } };
    const reordered = { details: { a: 1, b: 2 }, subject: null, action: 'risk.set' as const };
    expect(changeHash(shown, risk)).toMatch(/^[0-9a-f]{64}$/);
    expect(changeHash(reordered, JSON.parse(JSON.stringify(risk)) as HeldChange)).toBe(changeHash(shown, risk));
  });

  it('changes with the change, the details or the action', () => {
    const shown = { action: 'risk.set' as const, subject: null, details: {} };
    const base = changeHash(shown, risk);
    expect(changeHash(shown, { kind: 'risk.set', risk: { maxPerPaymentMinor: { USDC: '10000001' } } })).not.toBe(base);
    expect(changeHash({ ...shown, details: { note: 'x' } }, risk)).not.toBe(base);
    expect(changeHash({ ...shown, subject: 'mer_2' }, risk)).not.toBe(base);
  });

  it('is recorded when a request is made, and a stored request whose change was swapped is refused', () => {
    const record = requested(risk);
    expect(record.approval.change_hash).toBe(changeHash(record.approval, risk));
    expect(() => assertChangeIntact(record)).not.toThrow();

    const policy = approvalPolicySchema.parse({ admin_changes: { approvals: 0 } });
    const swapped = { ...record, change: { kind: 'approval_policy.set', policy } as HeldChange };
    expect(() => assertChangeIntact(swapped)).toThrow(ChangeMismatchError);
    const raised = { ...record, change: { kind: 'risk.set', risk: { maxPerPaymentMinor: { USDC: '1' } } } as HeldChange };
    expect(() => assertChangeIntact(raised)).toThrow(expect.objectContaining({ code: 'change_mismatch', extensions: expect.objectContaining({ change_hash: record.approval.change_hash }) }));
  });

  it('refuses a request recorded without a hash, and one whose hash was rewritten to match a change of another kind than its action', () => {
    const record = requested(risk);
    expect(() => assertChangeIntact({ ...record, approval: { ...record.approval, change_hash: null } })).toThrow(ChangeMismatchError);
    const other: HeldChange = { kind: 'api_key.revoke', keyId: 'key_1', digest: 'd' };
    const rehashed = { ...record, change: other, approval: { ...record.approval, change_hash: changeHash(record.approval, other) } };
    expect(() => assertChangeIntact(rehashed)).toThrow(ChangeMismatchError);
  });
});
