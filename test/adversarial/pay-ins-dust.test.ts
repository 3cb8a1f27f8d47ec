import { Contract, ContractFactory, JsonRpcSigner } from 'ethers';
import { describe, expect, it } from 'vitest';
import { DEPLOYER_ADDRESS, fundAddress, localProvider, minedReceipt } from '../../scripts/stack/chains.js';
import { compileDustSprayer } from '../../scripts/stack/solidity.js';
import { api } from '../support/api.js';
import { chainByName } from '../support/chain.js';
import { fundedMerchant } from '../support/deps.js';
import { payerOn, stackWatchDeadlineMs } from '../support/pay-ins.js';
import { waitFor } from '../support/wait.js';

const chainName = 'local-a';
const dustTransfers = 2_000;
const perTransaction = 200;

/**
 * Sends `count` transfers of `amountMinor` token units to `to` from a helper contract, `perTransaction`
 * in each transaction: thousands of Transfer logs in a few blocks, as an attacker would flood them.
 */
async function sprayDust(to: string, amountMinor: bigint, count: number): Promise<void> {
  const chain = chainByName(chainName);
  const provider = localProvider(chain.rpcUrl, chain.chainId);
  try {
    // The node's unlocked account: the node assigns nonces, so other test files sending at once cannot collide.
    const deployer = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
    const compiled = await compileDustSprayer();
    const deployed = await new ContractFactory(compiled.abi, compiled.bytecode, deployer).deploy();
    await minedReceipt(provider, deployed.deploymentTransaction()!.hash);
    const sprayer = new Contract(await deployed.getAddress(), compiled.abi, deployer);
    await fundAddress(chain, await sprayer.getAddress(), { gasWei: 0n, usdcMinor: amountMinor * BigInt(count) });
    // One transaction a block, with its gas given (no estimate, which would run it twice): the
    // chain is shared with other test files, and a node busy for seconds misses their RPC timeouts.
    for (let sent = 0; sent < count; sent += perTransaction) {
      const times = Math.min(perTransaction, count - sent);
      const tx = await sprayer.getFunction('spray').send(chain.usdcAddress, to, amountMinor, times, { gasLimit: 100_000 + times * 30_000 });
      await minedReceipt(provider, tx.hash);
    }
  } finally {
    provider.destroy();
  }
}

describe('pay-ins under a dust flood', () => {
  it('2,000 one-unit transfers to a top-up address neither stop the chain\'s watcher nor change that charge: a normal charge paid after them is credited within the quiet-chain deadline', async () => {
    const victim = await fundedMerchant(0n);
    const topUp = await api('POST', '/v1/charges', { key: victim.api_key, body: { asset: 'USDC', chains: [chainName] } });
    expect(topUp.status).toBe(201);
    await sprayDust(topUp.body.addresses[0].deposit_address, 1n, dustTransfers);

    const merchant = await fundedMerchant(0n);
    const charge = await api('POST', '/v1/charges', { key: merchant.api_key, body: { amount: '5000000', asset: 'USDC', chains: [chainName] } });
    expect(charge.status).toBe(201);
    const payer = await payerOn(chainByName(chainName));
    await payer.pay(charge.body.addresses[0].deposit_address, 5_000_000n);
    const paid = await waitFor('the normal charge credited by chain-watch after the flood', async () => {
      const read = await api('GET', `/v1/charges/${charge.body.id}`, { key: merchant.api_key });
      return read.body.status === 'succeeded' ? read.body : undefined;
    }, { timeoutMs: stackWatchDeadlineMs, intervalMs: 1000 });
    expect(paid).toMatchObject({ amount_received: '5000000', deposit_count: 1, dust_count: 0 });

    // The flood is counted on the top-up as dust: nothing credited, no status change, no deposit listed.
    const flooded = await waitFor('the dust counted on the top-up', async () => {
      const read = await api('GET', `/v1/charges/${topUp.body.id}`, { key: victim.api_key });
      return read.body.dust_count === dustTransfers ? read.body : undefined;
    }, { timeoutMs: stackWatchDeadlineMs, intervalMs: 1000 });
    expect(flooded).toMatchObject({ status: 'awaiting_payment', amount_received: '0', amount_pending: '0', deposit_count: 0, dust_amount: String(dustTransfers), deposits: [] });
    const listed = await api('GET', `/v1/charges/${topUp.body.id}/deposits`, { key: victim.api_key });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ object: 'list', data: [], has_more: false });
    const balances = await api('GET', '/v1/balances', { key: victim.api_key });
    expect(balances.body.data.find((b: { asset: string }) => b.asset === 'USDC')?.available ?? '0').toBe('0');
  }, 2 * stackWatchDeadlineMs + 120_000);
});
