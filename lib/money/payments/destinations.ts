import { ZeroAddress } from 'ethers';
import type { Chain } from '#chains';
import { ValidationError } from '#platform';

/**
 * Refuses payout destinations that can only lose the money or move it in a circle: the zero
 * address (burns it), a token contract the chain registry lists (tokens sent to their own contract
 * are stuck), the platform's own addresses on that chain (its wallets and its treasury Safe), and
 * the contracts it uses there (deposit factory, MultiSend, CCTP), which cannot send tokens on.
 */
export function assertPayableDestination(chain: Chain, destination: string): void {
  const refuse = (why: string) => {
    throw new ValidationError(`Cannot pay out to ${destination}: ${why}.`, [{ field: 'destination', message: why }]);
  };
  if (destination === ZeroAddress) refuse('it is the zero address, which burns what it receives');
  if (chain.assets.some((asset) => asset.address === destination)) refuse(`it is a token contract on ${chain.name}; tokens sent there are lost`);
  const same = (address: string | undefined) => address?.toLowerCase() === destination.toLowerCase();
  if (chain.ownAddresses.some(same)) refuse(`it is one of Lanepay's own wallets on ${chain.name}`);
  if (same(chain.treasury?.safe)) refuse(`it is Lanepay's treasury Safe on ${chain.name}; treasury moves are proposed and approved, not paid out`);
  const contracts = [chain.depositFactory, chain.treasury?.multiSend, chain.cctp?.tokenMessenger, chain.cctp?.messageTransmitter];
  if (contracts.some(same)) refuse(`it is one of the contracts Lanepay uses on ${chain.name}; tokens sent there are lost`);
}
