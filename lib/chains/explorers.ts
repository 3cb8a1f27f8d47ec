import type { Chain } from './registry.js';

/**
 * The public block explorer of each chain id the registry knows the finality of (lib/chains/finality.ts),
 * as a template with `{hash}` for a transaction. A registry entry's own `explorerTxUrl` wins.
 */
const knownExplorers: ReadonlyMap<number, string> = new Map([
  [1, 'https://etherscan.io/tx/{hash}'],
  [11155111, 'https://sepolia.etherscan.io/tx/{hash}'],
  [137, 'https://polygonscan.com/tx/{hash}'],
  [43114, 'https://snowtrace.io/tx/{hash}'],
  [10, 'https://optimistic.etherscan.io/tx/{hash}'],
  [8453, 'https://basescan.org/tx/{hash}'],
  [42161, 'https://arbiscan.io/tx/{hash}'],
]);

/** The chain's transaction page template, or null for a chain without a public explorer (local nodes). */
export function explorerTxTemplate(chain: Pick<Chain, 'chainId' | 'explorerTxUrl'>): string | null {
  return chain.explorerTxUrl ?? knownExplorers.get(chain.chainId) ?? null;
}

/** A transaction's page on its chain's explorer, or null when the chain has none. */
export function explorerTxUrl(chain: Pick<Chain, 'chainId' | 'explorerTxUrl'>, txHash: string): string | null {
  return explorerTxTemplate(chain)?.replace('{hash}', txHash) ?? null;
}
