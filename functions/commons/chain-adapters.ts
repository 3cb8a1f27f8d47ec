import { JsonRpcProvider } from 'ethers';
import { ChainRegistry, EvmAdapter, FailoverRpc, type FailoverOptions } from '#chains';
import { kmsClient } from '#platform';
import { rpcOptions as withCircuitMetric } from './rpc-circuits.js';

/**
 * The chain registry from its configured JSON and one adapter per chain (its RPC breaker state and
 * KMS address live there), for a container's lifetime; an unknown chain name is a bug.
 */
export function chainAdapters(registryJson: string, rpcOptions: FailoverOptions = {}): { chains: ChainRegistry; adapter: (name: string) => EvmAdapter } {
  const chains = ChainRegistry.parse(registryJson);
  const adapters = new Map(chains.chains.map((chain) => [chain.name, new EvmAdapter(chain, kmsClient(), new FailoverRpc(chain.name, chain.chainId, chain.rpcUrls, withCircuitMetric(rpcOptions)))]));
  return {
    chains,
    adapter: (name) => {
      const adapter = adapters.get(name);
      if (!adapter) throw new Error(`no adapter for chain ${name}`);
      return adapter;
    },
  };
}

/**
 * One ethers provider per chain, on its first RPC URL, for what must send or wait on a transaction
 * itself (the treasury's Safe executions and mints, its Safe nonce reads) rather than through an adapter.
 */
export function chainProviders(chains: ChainRegistry): (name: string) => JsonRpcProvider {
  const providers = new Map(chains.chains.map((chain) => [chain.name, new JsonRpcProvider(chain.rpcUrls[0], chain.chainId, { staticNetwork: true })]));
  return (name) => {
    const provider = providers.get(name);
    if (!provider) throw new Error(`no provider for chain ${name}`);
    return provider;
  };
}
