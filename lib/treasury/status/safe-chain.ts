import { Interface, type Provider } from 'ethers';
import type { Chain } from '#chains';
import { safeAbi } from '../safe/safe-tx.js';

const safe = new Interface(safeAbi);
const erc20 = new Interface(['function balanceOf(address owner) view returns (uint256)']);

/** What a chain's node is asked for: read-only calls through the chain's RPC, with its failover and timeouts. */
export interface ChainReader {
  call<T>(operation: (provider: Provider) => Promise<T>): Promise<T>;
}

/** The treasury Safe as its chain sees it now: its owners, its threshold, and its token balances (chain units). */
export interface SafeOnChain {
  owners: string[];
  threshold: number;
  balances: Record<string, bigint>;
}

/** Reads the Safe's getOwners, getThreshold and each ERC-20 asset's balanceOf, at one block. */
export async function readSafeOnChain(reader: ChainReader, chain: Chain): Promise<SafeOnChain> {
  const treasury = chain.treasury;
  if (!treasury) throw new Error(`${chain.name} has no treasury`);
  const blockTag = await reader.call((provider) => provider.getBlockNumber());
  const read = async (to: string, contract: Interface, method: string, args: unknown[] = []) => {
    const data = await reader.call((provider) => provider.call({ to, data: contract.encodeFunctionData(method, args), blockTag }));
    return contract.decodeFunctionResult(method, data);
  };
  const tokens = chain.assets.filter((asset) => asset.address !== 'native');
  const [owners, threshold, ...balances] = await Promise.all([
    read(treasury.safe, safe, 'getOwners'),
    read(treasury.safe, safe, 'getThreshold'),
    ...tokens.map((asset) => read(asset.address, erc20, 'balanceOf', [treasury.safe])),
  ]);
  return {
    owners: [...(owners![0] as string[])],
    threshold: Number(threshold![0] as bigint),
    balances: Object.fromEntries(tokens.map((asset, i) => [asset.symbol, balances[i]![0] as bigint])),
  };
}

/**
 * Where the chain and the registry disagree, one sentence each: a different threshold, an owner the
 * registry names that the Safe does not list, or one the Safe lists that the registry does not name.
 */
export function safeWarnings(chain: Chain, onChain: SafeOnChain): string[] {
  const treasury = chain.treasury!;
  const warnings: string[] = [];
  if (onChain.threshold !== treasury.threshold) {
    warnings.push(`${chain.name}'s Safe asks ${onChain.threshold} signatures; the registry says ${treasury.threshold}`);
  }
  const listed = new Set(onChain.owners.map((owner) => owner.toLowerCase()));
  const named = new Set(treasury.owners.map((owner) => owner.address.toLowerCase()));
  treasury.owners.forEach((owner, i) => {
    if (!listed.has(owner.address.toLowerCase())) warnings.push(`owner ${i + 1} (${owner.address}) is not an owner of ${chain.name}'s Safe`);
  });
  for (const owner of onChain.owners) {
    if (!named.has(owner.toLowerCase())) warnings.push(`${chain.name}'s Safe has an owner the registry does not name: ${owner}`);
  }
  return warnings;
}
