import { describe, expect, it } from 'vitest';
import type { Chain } from '#lib/chains/registry.js';
import { liquidityShortfall, releaseWalletItem, reserveWalletItem } from '#lib/money/payouts/liquidity.js';

const chain = {
  name: 'c', chainId: 5, rpcUrls: ['https://x'], confirmations: 1, fees: { type: 'legacy', gasPriceWei: '1' }, hotWalletKeyId: 'k', ownAddresses: [], refillLeadTimeHours: 6,
  assets: [{ symbol: 'USDC', address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', decimals: 6 }, { symbol: 'ETH', address: 'native', decimals: 18 }],
} satisfies Chain;

describe('liquidityShortfall', () => {
  it('subtracts the tokens already promised to payouts in flight from the balance', () => {
    const balances = { gasWei: 10n ** 18n, tokens: { USDC: 5_000_000n, ETH: 10n ** 18n } };
    const check = (inFlightUsdc: bigint) => liquidityShortfall({ chain, asset: 'USDC', amount: 2_000_000n, gasWei: 1000n, balances, inFlight: { amounts: { USDC: inFlightUsdc }, gasWei: 0n } });

    expect(check(3_000_000n)).toMatchObject({ tokenShort: false, availableUnits: 2_000_000n });
    expect(check(3_000_001n)).toMatchObject({ tokenShort: true, availableUnits: 1_999_999n });
  });

  it('pays gas and native payouts out of one balance, net of both in flight', () => {
    const balances = { gasWei: 1000n, tokens: { USDC: 0n, ETH: 1000n } };
    const inFlight = { amounts: { ETH: 400n }, gasWei: 100n };

    expect(liquidityShortfall({ chain, asset: 'ETH', amount: 450n, gasWei: 50n, balances, inFlight }).tokenShort).toBe(false);
    expect(liquidityShortfall({ chain, asset: 'ETH', amount: 451n, gasWei: 50n, balances, inFlight }).tokenShort).toBe(true);
    expect(liquidityShortfall({ chain, asset: 'USDC', amount: 0n, gasWei: 501n, balances, inFlight }).gasShort).toBe(true);
  });

  it('releases exactly what a payout reserved, and nothing for a payout that never reserved', () => {
    const payout = { paymentId: 'pay_1', merchantId: 'm', chain: 'c', wallet: '0xAb', status: 'pending' as const, attempts: [], version: 3, createdAtMs: 0 };
    expect(releaseWalletItem('t', payout)).toEqual([]);
    const [release] = releaseWalletItem('t', { ...payout, reserved: { asset: 'USDC', amount: '2000000', gasWei: '0' } });
    expect(release!.Update!.ExpressionAttributeValues).toMatchObject({ ':minusAmount': { N: '-2000000' }, ':minusGas': { N: '0' } });
    expect(release!.Update!.Key).toEqual({ pk: { S: 'WALLET#c#0xab' }, sk: { S: 'WALLET' } });
  });
});

describe('reserveWalletItem', () => {
  it('takes a run of nonces for a batch and raises each in-flight sum by the batch total, only if nothing moved since the read', () => {
    const reservations = [
      { asset: 'USDC', amount: '2000000', gasWei: '100' },
      { asset: 'ETH', amount: '7', gasWei: '100' },
      { asset: 'USDC', amount: '3000000', gasWei: '100' },
    ];
    const seen = { exists: true, inFlight: { amounts: { USDC: 1_000_000n, ETH: 0n }, gasWei: 50n } };

    const { Update } = reserveWalletItem('t', chain, { chain: 'c', wallet: '0xAb', keyId: 'k', firstNonce: 12, reservations }, seen);

    expect(Update!.Key).toEqual({ pk: { S: 'WALLET#c#0xab' }, sk: { S: 'WALLET' } });
    expect(Update!.UpdateExpression).toBe('SET nextNonce = :next, entity = :entity, chain = :chain, wallet = :wallet, keyId = :keyId ADD #a0 :amount0, #a1 :amount1, #gas :gasWei');
    expect(Update!.ExpressionAttributeValues).toMatchObject({
      ':next': { N: '15' }, ':nonce': { N: '12' }, ':amount0': { N: '5000000' }, ':amount1': { N: '7' }, ':gasWei': { N: '300' },
      ':seen0': { N: '1000000' }, ':seen1': { N: '0' }, ':seenGas': { N: '50' },
    });
    expect(Update!.ConditionExpression).toBe('nextNonce = :nonce AND (attribute_not_exists(#gas) OR #gas <= :seenGas) AND (attribute_not_exists(#a0) OR #a0 <= :seen0) AND (attribute_not_exists(#a1) OR #a1 <= :seen1)');
  });
});
