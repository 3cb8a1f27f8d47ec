import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { updateMerchantProfile } from '#lib/merchants/merchants.js';
import { readClaim } from '#lib/money/refunds/claims.js';
import { readRefunded } from '#lib/money/refunds/create.js';
import { api } from '../support/api.js';
import { claimIdOf, postClaim, signClaim } from '../support/claims.js';
import { clients, containerDeps, fundedMerchant, merchantDeps, usdc } from '../support/deps.js';
import { expectChargeRefundsHold, expectLedgerBalanced } from '../support/ledger-invariants.js';
import { creditedCharge, raceRefunds } from '../support/refunds.js';
import { stack } from '../support/stack.js';

const deps = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });

async function claimRefund(amount = '4000000') {
  const merchant = await fundedMerchant(usdc(100));
  const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
  const created = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount, claim: true } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { merchant, charge, refund: created.body, claimId: claimIdOf(created.body) };
}

async function expectStillOpen(claimId: string) {
  const { claim, record } = await readClaim(deps(), claimId);
  expect(claim.status).toBe('open');
  expect(record.payment).toMatchObject({ status: 'authorized', destination: null });
}

describe('someone trying to take a refund claim, or to get a claim paid where it must not go', () => {
  it('cannot redirect a claim by swapping the address under the payer\'s signature (a man in the middle of the page): 403 claim_signature_invalid naming the real signer, nothing paid', async () => {
    const setup = await claimRefund();
    const payer = Wallet.createRandom();
    const attacker = Wallet.createRandom();
    const signature = await signClaim(setup.claimId, payer);
    const swapped = await postClaim(setup.claimId, { address: attacker.address, signature });
    expect(swapped.status).toBe(403);
    expect(swapped.body).toMatchObject({ code: 'claim_signature_invalid' });
    // The message names the attacker's address, so the payer's signature recovers to someone else entirely.
    expect([payer.address, attacker.address]).not.toContain(swapped.body.recovered_address);
    await expectStillOpen(setup.claimId);
    // The payer's own claim still goes through afterwards.
    const honest = await postClaim(setup.claimId, { address: payer.address, signature });
    expect(honest.status, JSON.stringify(honest.body)).toBe(200);
    expect(honest.body.address).toBe(payer.address);
  });

  it('cannot claim to an address the risk rules refuse, even with a valid signature from it: the claimed address goes through the destination rules (here the merchant\'s blocklist, set after the refund was made): 402 refund_declined blocked_destination, the claim left open', async () => {
    // Sanctions screening is the same engine's first rule on the same address; no test holds the key
    // of a listed address, so the rule shown with a signature is its neighbour, the blocklist.
    const setup = await claimRefund();
    const blocked = Wallet.createRandom();
    await updateMerchantProfile(merchantDeps(), setup.merchant.merchant_id, (p) => ({ ...p, risk: { ...p.risk, blockedDestinations: [blocked.address] } }));
    const refused = await postClaim(setup.claimId, { address: blocked.address, signature: await signClaim(setup.claimId, blocked) });
    expect(refused.status, JSON.stringify(refused.body)).toBe(402);
    expect(refused.body).toMatchObject({ code: 'refund_declined', decline_code: 'blocked_destination' });
    await expectStillOpen(setup.claimId);
    expect(await readRefunded(deps(), setup.charge.id)).toBe(4_000_000n);
  });

  it('cannot claim to the zero address or the token contract: 400 validation_error saying why, the claim left open', async () => {
    const setup = await claimRefund();
    const token = stack().chains.find((c) => c.name === 'local-a')!.usdcAddress;
    const zero = await postClaim(setup.claimId, { address: `0x${'0'.repeat(40)}`, signature: `0x${'11'.repeat(65)}` });
    expect(zero.status).toBe(400);
    expect(zero.body.detail).toContain('zero address');
    const toToken = await postClaim(setup.claimId, { address: token, signature: `0x${'11'.repeat(65)}` });
    expect(toToken.status).toBe(400);
    expect(toToken.body.detail).toContain('token contract');
    await expectStillOpen(setup.claimId);
  });

  it('cannot find claims by guessing: an unknown or malformed claim id is a 404 page and a 404 claim, the same for both', async () => {
    const unknown = `clm_${'a'.repeat(32)}`;
    const page = await fetch(`${stack().apiUrl}/claims/${unknown}`);
    expect(page.status).toBe(404);
    const malformed = await fetch(`${stack().apiUrl}/claims/re_01jabcdefghjkmnpqrstvwxyz0`);
    expect(malformed.status).toBe(404);
    expect(await malformed.text()).toBe(await page.text());
    const claim = await postClaim(unknown, { address: Wallet.createRandom().address, signature: `0x${'11'.repeat(65)}` });
    expect(claim.status).toBe(404);
  });

  it('cannot take a charge past what it credited by mixing claim refunds with ordinary ones: 12 at once from 12 containers, half claims, only what fits is accepted', async () => {
    const merchant = await fundedMerchant(usdc(1_000));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const bodies = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? { amount: '4000000', claim: true } : { amount: '4000000', destination: Wallet.createRandom().address }));
    const outcomes = await raceRefunds(containerDeps(12), merchant.profile, charge.id, bodies);
    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(2);
    expect(outcomes.filter((o) => o.status === 409).map((o) => o.problem!.code)).toEqual(Array(10).fill('refund_exceeds_charge'));
    expect(await readRefunded(deps(), charge.id)).toBe(8_000_000n);
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 120_000);

  it('a claim racing the merchant\'s withdrawal: exactly one wins whole (paid to the claimer, or canceled with the money back), never both', async () => {
    const setup = await claimRefund();
    const payer = Wallet.createRandom();
    const signature = await signClaim(setup.claimId, payer);
    const [claimed, canceled] = await Promise.all([
      postClaim(setup.claimId, { address: payer.address, signature }),
      api('POST', `/v1/payments/${setup.refund.payout}/cancel`, { key: setup.merchant.api_key, body: {} }),
    ]);
    const statuses = [claimed.status, canceled.status];
    expect(statuses.filter((s) => s === 200), JSON.stringify([claimed.body, canceled.body])).toHaveLength(1);
    const refund = (await api('GET', `/v1/refunds/${setup.refund.id}`, { key: setup.merchant.api_key })).body;
    if (claimed.status === 200) {
      expect(canceled.status).toBe(409);
      expect(refund).toMatchObject({ status: 'processing', destination: payer.address });
      expect(await readRefunded(deps(), setup.charge.id)).toBe(4_000_000n);
    } else {
      expect(claimed.status).toBe(409);
      expect(claimed.body.code).toBe('claim_not_open');
      expect(refund).toMatchObject({ status: 'canceled', destination: null });
      expect(await readRefunded(deps(), setup.charge.id)).toBe(0n);
    }
    await expectLedgerBalanced();
    await expectChargeRefundsHold(setup.charge.id);
  });
});
