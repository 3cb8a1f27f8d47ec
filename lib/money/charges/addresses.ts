import { concat, getAddress, getCreate2Address, getCreateAddress, keccak256, toUtf8Bytes } from 'ethers';
import type { Chain } from '#chains';
import { toChainUnits } from '#ledger';
import type { ChargeAddress } from './schemas.js';

/**
 * Deposit addresses are computed, never generated: the CREATE2 address of an EIP-1167 clone of the
 * factory's forwarder, salted by the charge id (contracts/DepositFactory.sol). No key exists for
 * them; only the factory (called by the KMS hot wallet) can move what they hold.
 */
export function chargeSalt(chargeId: string): string {
  return keccak256(toUtf8Bytes(chargeId));
}

/** The factory creates its forwarder implementation first, so it sits at the factory's nonce-1 CREATE address (EIP-161). */
export function forwarderImplementation(factory: string): string {
  return getCreateAddress({ from: factory, nonce: 1 });
}

/** EIP-1167 minimal proxy creation code, byte for byte as OpenZeppelin's Clones deploys it. */
function cloneInitCode(implementation: string): string {
  return concat(['0x3d602d80600a3d3981f3363d3d373d3d3d363d73', implementation, '0x5af43d82803e903d91602b57fd5bf3']);
}

export function depositAddress(factory: string, chargeId: string): string {
  const implementation = forwarderImplementation(getAddress(factory));
  return getCreate2Address(getAddress(factory), chargeSalt(chargeId), keccak256(cloneInitCode(implementation)));
}

/**
 * Where to pay a charge on one chain, with its EIP-681 URI (ERC-20 `transfer`), which wallets and
 * QR scanners understand; the amount is in the token's own units and left out for a top-up.
 */
export function chargeAddress(chain: Chain, chargeId: string, asset: string, amountMinor: bigint | undefined): ChargeAddress {
  if (!chain.depositFactory) throw new Error(`chain ${chain.name} has no deposit factory`);
  const token = chain.assets.find((a) => a.symbol === asset);
  if (!token || token.address === 'native') throw new Error(`chain ${chain.name} carries no ERC-20 ${asset}`);
  const address = depositAddress(chain.depositFactory, chargeId);
  const amount = amountMinor === undefined ? '' : `&uint256=${toChainUnits(amountMinor, asset, token.decimals)}`;
  return {
    chain: chain.name,
    chain_id: chain.chainId,
    deposit_address: address,
    payment_uri: `ethereum:${token.address}@${chain.chainId}/transfer?address=${address}${amount}`,
  };
}
