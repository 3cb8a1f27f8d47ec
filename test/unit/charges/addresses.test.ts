import { getCreate2Address, keccak256, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { Chain } from '#lib/chains/registry.js';
import { chargeAddress, chargeSalt, depositAddress } from '#lib/money/charges/addresses.js';

const factory = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const chain: Chain = {
  name: 'local-a', chainId: 31337, rpcUrls: ['http://127.0.0.1:8545'], confirmations: 1,
  fees: { type: 'legacy', gasPriceWei: '0' }, assets: [{ symbol: 'USDC', address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', decimals: 6 }],
  hotWalletKeyId: 'alias/x', ownAddresses: [], refillLeadTimeHours: 6, depositFactory: factory,
};

describe('deposit addresses', () => {
  it('are the CREATE2 address of the factory with salt keccak256(charge id): one per charge, stable', () => {
    const a = depositAddress(factory, 'ch_01jabcdefghjkmnpqrstvwxyz0');
    expect(a).toBe(depositAddress(factory, 'ch_01jabcdefghjkmnpqrstvwxyz0'));
    expect(a).not.toBe(depositAddress(factory, 'ch_01jabcdefghjkmnpqrstvwxyz1'));
    expect(chargeSalt('ch_x')).toBe(keccak256(toUtf8Bytes('ch_x')));
    expect(a).toMatch(/^0x[0-9a-fA-F]{40}$/);
    // Not the plain CREATE2 of an empty init code: the forwarder's clone code is part of it.
    expect(a).not.toBe(getCreate2Address(factory, chargeSalt('ch_01jabcdefghjkmnpqrstvwxyz0'), keccak256('0x')));
  });

  it('come with an EIP-681 ERC-20 transfer URI in token units, without an amount for a top-up', () => {
    const priced = chargeAddress(chain, 'ch_01jabcdefghjkmnpqrstvwxyz0', 'USDC', 2_500_000n);
    expect(priced.payment_uri).toBe(`ethereum:0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512@31337/transfer?address=${priced.deposit_address}&uint256=2500000`);
    const topUp = chargeAddress(chain, 'ch_01jabcdefghjkmnpqrstvwxyz0', 'USDC', undefined);
    expect(topUp.payment_uri).not.toContain('uint256');
  });
});
