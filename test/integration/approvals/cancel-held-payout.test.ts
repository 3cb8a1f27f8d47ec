import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decideApproval } from '#lib/merchants/approvals/decide.js';
import { readApproval } from '#lib/merchants/approvals/items.js';
import { addMember } from '#lib/merchants/members/members.js';
import { getMerchantProfile, updateMerchantProfile } from '#lib/merchants/merchants.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { getBalances, getPayment } from '#lib/money/payments/query.js';
import { settlePayment } from '#lib/money/payments/settle.js';
import { Authenticator } from '../../support/authenticator.js';
import { clients, fundedMerchant, merchantDeps, paymentDeps, someAddress, usdc } from '../../support/deps.js';
import { stack } from '../../support/stack.js';
import { approvalDeps } from '../../support/approvals.js';

const threshold = usdc(100);

/**
 * A merchant whose payouts at or above the threshold wait for one member's approval, and two members
 * (an authenticator hands out two codes without waiting for the clock; a third waits up to 30 s).
 */
async function merchantWithApprovers() {
  const merchant = await fundedMerchant(usdc(1_000));
  await updateMerchantProfile(merchantDeps(), merchant.merchant_id, (p) => ({ ...p, approvals: { payouts: { at_or_above: threshold.toString(), approvals: 1 }, admin_changes: { approvals: 1 }, expires_after_seconds: 3600 } }));
  const members = await Promise.all([1, 2].map(async () => {
    const added = await addMember({ ...merchantDeps(), dataKeyId: stack().keys.DataKey! }, { merchantId: merchant.merchant_id, email: `${randomUUID().slice(0, 8)}@example.com` });
    return { id: added.id, app: new Authenticator(added.otpauth_uri) };
  }));
  return { merchant, profile: await getMerchantProfile(merchantDeps(), merchant.merchant_id), members };
}

describe('canceling a payout that waits for approval', () => {
  it('settles a cancel racing a member\'s approval one way only: the payment and its request agree', async () => {
    const { merchant, profile, members } = await merchantWithApprovers();
    const outcomes: string[] = [];
    for (let round = 0; round < 4; round += 1) {
      const member = members[round % 2]!;
      const { payment: held } = await authorizePayment(paymentDeps(), {
        merchant: profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(),
        body: { amount: threshold.toString(), asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual', metadata: {} },
      });
      expect(held.status).toBe('requires_approval');
      const approvalId = held.approval_id!;
      const code = await member.app.nextCode();
      // Two containers: the merchant's cancel and the member's approval, at once.
      const [cancel, approve] = await Promise.allSettled([
        settlePayment(paymentDeps(), { merchant: profile, paymentId: held.id, action: { kind: 'cancel' } }),
        decideApproval(approvalDeps({ holdExpiryMs: 3600_000 }), { merchantId: merchant.merchant_id, memberId: member.id, approvalId, decision: 'approve', code }),
      ]);
      expect([cancel.status, approve.status], 'exactly one of the two wins').toContain('rejected');
      expect([cancel.status, approve.status]).toContain('fulfilled');
      const payment = await getPayment(paymentDeps(), merchant.merchant_id, held.id);
      const { approval } = await readApproval({ dynamodb: clients().dynamodb, tableName: stack().tableName }, merchant.merchant_id, approvalId);
      if (cancel.status === 'fulfilled') {
        expect(payment).toMatchObject({ status: 'canceled' });
        expect(approval.status).toBe('canceled');
        expect(String((approve as PromiseRejectedResult).reason)).toMatch(/approval_decided|changed|concurrent/i);
      } else {
        expect(payment).toMatchObject({ status: 'authorized' });
        expect(approval.status).toBe('approved');
        expect(String(cancel.reason)).toMatch(/changed while this request ran/);
      }
      outcomes.push(payment.status);
    }
    // Whoever won, a canceled payout's hold was released and an approved one's still holds: the pending balance is the approved ones'.
    const [balance] = (await getBalances(paymentDeps(), merchant.merchant_id)).data;
    expect(BigInt(balance!.pending)).toBe(BigInt(outcomes.filter((status) => status === 'authorized').length) * threshold);
  });
});
