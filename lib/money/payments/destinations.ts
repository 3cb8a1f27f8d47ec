import { ZeroAddress } from 'ethers';
import type { Chain } from '#chains';
import { ValidationError } from '#platform';

/**
 * Refuses payout destinations that can only lose the money or move it in a circle: the zero
 * address (burns it), a token contract the chain registry lists (tokens sent to their own contract
 * are stuck), and the platform's own addresses on that chain. `destination` is checksummed already.
 */
export function assertPayableDestination(chain: Chain, destination: string): void {
  const refuse = (why: string) => {
    throw new ValidationError(`Cannot pay out to ${destination}: ${why}.`, [{ field: 'destination', message: why }]);
  };
  if (destination === ZeroAddress) refuse('it is the zero address, which burns what it receives');
  if (chain.assets.some((asset) => asset.address === destination)) refuse(`it is a token contract on ${chain.name}; tokens sent there are lost`);
  if (chain.ownAddresses.includes(destination)) refuse(`it is one of Lanepay's own wallets on ${chain.name}`);
}
