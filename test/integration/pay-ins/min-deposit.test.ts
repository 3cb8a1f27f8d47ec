import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../support/api.js';
import { chainByName } from '../../support/chain.js';
import { cliAgainstTestStack } from '../../support/cli.js';
import { fundedMerchant } from '../../support/deps.js';
import { cliOutput } from '../../support/members.js';
import { payerOn, stackWatchDeadlineMs } from '../../support/pay-ins.js';
import { waitFor } from '../../support/wait.js';

const chainName = 'local-a';
let cli: ReturnType<typeof cliAgainstTestStack>;

beforeAll(() => {
  cli = cliAgainstTestStack();
});
afterAll(() => cli.cleanup());

/** A top-up charge (no amount, so its minimum deposit is the merchant's, uncapped) on the chain. */
async function openTopUp(key: string) {
  const created = await api('POST', '/v1/charges', { key, body: { asset: 'USDC', chains: [chainName] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, address: created.body.addresses[0].deposit_address as string };
}

/** The charge once the stack's chain-watch has booked `transfers` transfers to it, as deposits or as dust. */
function booked(key: string, chargeId: string, transfers: number) {
  return waitFor(`${transfers} transfer(s) booked on ${chargeId}`, async () => {
    const read = await api('GET', `/v1/charges/${chargeId}`, { key });
    return read.body.deposit_count + read.body.dust_count >= transfers && read.body.amount_pending === '0' ? read.body : undefined;
  }, { timeoutMs: stackWatchDeadlineMs, intervalMs: 1000 });
}

describe('a merchant\'s own minimum deposit', () => {
  it('set to 1 USDC by `lanepay merchant set-min-deposit`, counts a 0.5 USDC transfer as dust (not credited, status unchanged) and credits a 2 USDC one; another merchant on the default 0.01 is credited 0.5 USDC', async () => {
    const strict = await fundedMerchant(0n);
    const usual = await fundedMerchant(0n);
    const profile = cliOutput(await cli.run(['merchant', 'set-min-deposit', '--merchant', strict.merchant_id, '--asset', 'USDC', '--amount', '1000000']));
    expect(profile.minDeposit).toEqual({ USDC: '1000000' });
    const [strictTopUp, usualTopUp] = [await openTopUp(strict.api_key), await openTopUp(usual.api_key)];

    const payer = await payerOn(chainByName(chainName));
    await payer.pay(strictTopUp.address, 500_000n);
    await payer.pay(usualTopUp.address, 500_000n);
    const [afterDust, usualPaid] = await Promise.all([booked(strict.api_key, strictTopUp.id, 1), booked(usual.api_key, usualTopUp.id, 1)]);
    expect(afterDust).toMatchObject({ status: 'awaiting_payment', amount_received: '0', amount_pending: '0', deposit_count: 0, dust_count: 1, dust_amount: '500000', deposits: [] });
    expect(usualPaid).toMatchObject({ status: 'succeeded', amount_received: '500000', deposit_count: 1, dust_count: 0 });

    await payer.pay(strictTopUp.address, 2_000_000n);
    const paid = await booked(strict.api_key, strictTopUp.id, 2);
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: '2000000', deposit_count: 1, dust_count: 1, dust_amount: '500000' });
    expect(paid.deposits).toMatchObject([{ chain: chainName, amount: '2000000', status: 'credited' }]);
    const balances = await api('GET', '/v1/balances', { key: strict.api_key });
    expect(balances.body.data.find((b: { asset: string }) => b.asset === 'USDC').available).toBe('2000000');
  }, 2 * stackWatchDeadlineMs + 60_000);
});
