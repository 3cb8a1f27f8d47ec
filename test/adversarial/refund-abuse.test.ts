import { describe, expect, it } from 'vitest';
import { readRefunded } from '#lib/money/refunds/create.js';
import { api } from '../support/api.js';
import { clients, containerDeps, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { expectChargeRefundsHold, expectLedgerBalanced } from '../support/ledger-invariants.js';
import { creditedCharge, raceRefunds } from '../support/refunds.js';
import { stack } from '../support/stack.js';

const deps = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });
// On the OFAC list the risk engine screens (lib/compliance/risk/ofac-addresses.json).
const sanctioned = '0x7f367cc41522ce07553e823bf3be79a889debe1b';

describe('a merchant key trying to take more than a charge brought in', () => {
  it('cannot refund more than the charge credited by racing: 12 "refund everything" requests at once from 12 containers pay out the charge once', async () => {
    // A merchant (or a stolen key) with a large balance races default-amount refunds of one charge,
    // each of which alone is allowed: every one reads the charge's total before any writes, so only
    // the charge's conditional total stops each from paying it all.
    const merchant = await fundedMerchant(usdc(1_000));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(20), receivedMinor: usdc(20) });
    const outcomes = await raceRefunds(containerDeps(12), merchant.profile, charge.id, Array.from({ length: 12 }, () => ({ destination: someAddress() })));
    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 409).map((o) => o.problem!.code)).toEqual(Array(11).fill('refund_exceeds_charge'));
    expect(await readRefunded(deps(), charge.id)).toBe(usdc(20));
    const balance = await api('GET', '/v1/balances', { key: merchant.api_key });
    expect(balance.body.data[0].available).toBe(usdc(980).toString());
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 120_000);

  it('cannot refund to a sanctioned address: 402 refund_declined sanctioned_destination, nothing paid, recorded or counted', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(5), receivedMinor: usdc(5) });
    for (const destination of [sanctioned, sanctioned.toUpperCase().replace('0X', '0x')]) {
      const refused = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination } });
      expect(refused.status, JSON.stringify(refused.body)).toBe(402);
      expect(refused.body).toMatchObject({ code: 'refund_declined', decline_code: 'sanctioned_destination' });
    }
    expect(await readRefunded(deps(), charge.id)).toBe(0n);
    expect((await api('GET', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key })).body.data).toEqual([]);
    const balance = await api('GET', '/v1/balances', { key: merchant.api_key });
    expect(balance.body.data[0].available).toBe(usdc(100).toString());
  });

  it('cannot refund to the zero address or the token contract (400), nor claim a refund on a charge of another merchant (404)', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(5), receivedMinor: usdc(5) });
    const zero = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: `0x${'0'.repeat(40)}` } });
    expect(zero.status).toBe(400);
    const token = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: stack().chains.find((c) => c.name === 'local-a')!.usdcAddress } });
    expect(token.status).toBe(400);
    const thief = await fundedMerchant(usdc(100));
    const foreign = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: thief.api_key, body: { destination: someAddress() } });
    expect(foreign.status).toBe(404);
    expect((await api('GET', `/v1/charges/${charge.id}/refunds`, { key: thief.api_key })).status).toBe(404);
  });
});
