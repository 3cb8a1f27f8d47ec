import { ChainRegistry, chainRegistrySchema, type Chain } from '#lib/chains/registry.js';
import { StackError } from './errors.js';
import type { StackChain } from './types.js';

/**
 * The forecast job's rebalancing limits on the local chains (USDC minor units): a hot wallet between
 * 10k and 50M, a treasury keeping 100k, at most 250k per proposal, nothing under 1k; a move lands
 * within the hour on a chain and across (approvals by the tests, CCTP in a few blocks).
 */
const localRebalancePolicy = {
  hotWalletFloorMinor: '10000000000', hotWalletCeilingMinor: '50000000000000', treasuryFloorMinor: '100000000000',
  maxPerProposalMinor: '250000000000', minimumMoveMinor: '1000000000', leadHours: { sameChain: 1, crossChain: 1 },
};

/** Confirmations on the local chains (a block a second, no reorgs): payouts, deposits and attestations alike. */
export const localConfirmations = 1;

/**
 * The chain registry a local stack's functions run with: one confirmation, fee caps far above what
 * a hardhat node asks, test USDC with 6 decimals, the stack's KMS hot-wallet keys. Checked with
 * the schema the functions parse it with. The one place the CLI, tests and benches get it from.
 */
export function localChainEntries(chains: StackChain[]): Chain[] {
  const parsed = chainRegistrySchema.safeParse(
    chains.map((chain) => ({
      name: chain.name,
      chainId: chain.chainId,
      rpcUrls: [chain.rpcUrl],
      confirmations: localConfirmations,
      fees: { type: 'eip1559', maxFeePerGasWei: '100000000000', maxPriorityFeePerGasWei: '1000000000' },
      assets: [{ symbol: 'USDC', address: chain.usdcAddress, decimals: 6 }],
      hotWalletKeyId: chain.keyAlias,
      ownAddresses: [chain.hotWallet],
      depositFactory: chain.depositFactory,
      cctp: {
        domain: chain.cctp.domain,
        tokenMessenger: chain.cctp.tokenMessenger,
        messageTransmitter: chain.cctp.messageTransmitter,
        attestationApi: chain.cctp.attestationUrl,
      },
      treasury: {
        safe: chain.treasury.safe,
        multiSend: chain.treasury.multiSend,
        threshold: chain.treasury.threshold,
        relayerKeyId: chain.treasury.relayer.keyAlias,
        relayerAddress: chain.treasury.relayer.address,
        owners: chain.treasury.owners.map((owner) => ({ keyId: owner.keyAlias, address: owner.address })),
        rebalance: localRebalancePolicy,
      },
    })),
  );
  if (!parsed.success) throw new StackError(`The local chain registry does not match lib/chains/registry.ts: ${parsed.error.message}`);
  return parsed.data;
}

export function localChainRegistry(chains: StackChain[]): ChainRegistry {
  return new ChainRegistry(localChainEntries(chains));
}
