import { kmsClient } from '../../lib/aws/clients/kms.js';
import type { ChainAdapter } from '../../lib/chains/adapter.js';
import { EvmAdapter } from '../../lib/chains/evm-adapter.js';
import { ChainRegistry } from '../../lib/chains/registry.js';
import { FailoverRpc, type FailoverOptions } from '../../lib/chains/rpc.js';

/**
 * The chain registry from its configured JSON and one adapter per chain (its RPC breaker state and
 * KMS address live there), for a container's lifetime; an unknown chain name is a bug.
 */
export function chainAdapters(registryJson: string, rpcOptions?: FailoverOptions): { chains: ChainRegistry; adapter: (name: string) => ChainAdapter } {
  const chains = ChainRegistry.parse(registryJson);
  const adapters = new Map(chains.chains.map((chain) => [chain.name, new EvmAdapter(chain, kmsClient(), rpcOptions ? new FailoverRpc(chain.name, chain.chainId, chain.rpcUrls, rpcOptions) : undefined)]));
  return {
    chains,
    adapter: (name) => {
      const adapter = adapters.get(name);
      if (!adapter) throw new Error(`no adapter for chain ${name}`);
      return adapter;
    },
  };
}
