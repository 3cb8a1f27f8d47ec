import { getAddress, Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { chainByName, provider, usdcBalance } from '../support/chain.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { waitFor } from '../support/wait.js';

const transferEvent = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)']);

async function waitForStatus(key: string, paymentId: string, statuses: string[], timeoutMs = 150_000) {
  return waitFor(`payment ${paymentId} to reach ${statuses.join('/')}`, async () => {
    const response = await api('GET', `/v1/payments/${paymentId}`, { key });
    return statuses.includes(response.body.status) ? response.body : undefined;
  }, { timeoutMs, intervalMs: 250 });
}

describe('payouts on chain', () => {
  it('pays captured payments on local-a and local-b: recipients receive exactly the amounts, tx_hash matches the chain', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const payouts = [
      { chain: 'local-a', destination: someAddress(), amount: 12_345_678n, capture: 'automatic' },
      { chain: 'local-b', destination: someAddress(), amount: 7_000_001n, capture: 'manual' },
    ];
    const ids: string[] = [];
    for (const p of payouts) {
      const created = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: p.amount.toString(), asset: 'USDC', chain: p.chain, destination: p.destination, capture: p.capture } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      if (p.capture === 'manual') {
        const captured = await api('POST', `/v1/payments/${created.body.id}/capture`, { key: merchant.api_key, body: {} });
        expect(captured.body.status).toBe('processing');
      }
      ids.push(created.body.id);
    }

    for (const [index, p] of payouts.entries()) {
      const done = await waitForStatus(merchant.api_key, ids[index]!, ['succeeded', 'failed']);
      expect(done.status, JSON.stringify(done)).toBe('succeeded');
      expect(await usdcBalance(p.chain, p.destination)).toBe(p.amount);
      const receipt = await provider(p.chain).getTransactionReceipt(done.tx_hash);
      expect(receipt?.status).toBe(1);
      expect(receipt?.from).toBe(chainByName(p.chain).hotWallet);
      const transfer = receipt!.logs.map((log) => transferEvent.parseLog(log)).find((log) => log?.name === 'Transfer');
      expect(transfer?.args.to).toBe(getAddress(p.destination));
      expect(transfer?.args.value).toBe(p.amount);
    }
    const events = await api('GET', '/v1/events?limit=20', { key: merchant.api_key });
    expect(events.body.data.filter((e: { type: string }) => e.type === 'payment.succeeded')).toHaveLength(2);
  }, 240_000);
});
