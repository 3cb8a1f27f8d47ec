/**
 * Confirmations after which a block is final, per EVM chain id, as the chain's operators or the
 * issuer of the stablecoin document it (figures in docs/payouts.md, "Finality"). The registry
 * refuses fewer confirmations for these chains: a payout is settled, or a reverted one refunded,
 * only once its block cannot be reorganised away. Chains not listed (local nodes, private
 * consortium chains with instant finality) take the registry's figure as given.
 */
export const documentedFinality: ReadonlyMap<number, { chain: string; confirmations: number; source: string }> = new Map([
  // Two epochs (64 slots) plus the block itself; Circle waits ~65 blocks on Ethereum.
  [1, { chain: 'Ethereum', confirmations: 65, source: 'Circle CCTP block confirmations' }],
  [11155111, { chain: 'Ethereum Sepolia', confirmations: 65, source: 'Circle CCTP block confirmations' }],
  // Circle's Gateway waits 2-3 blocks since Polygon's milestones; CCTP V1 waits ~33: the larger holds.
  [137, { chain: 'Polygon PoS', confirmations: 33, source: 'Circle CCTP V1 block confirmations' }],
  [43114, { chain: 'Avalanche C-Chain', confirmations: 1, source: 'Circle CCTP block confirmations (instant finality)' }],
  // Rollups are final when their batch is final on Ethereum, ~13-19 minutes: counted here in their
  // own blocks (2 s on OP Mainnet and Base, 0.25 s on Arbitrum One) over 19 minutes.
  [10, { chain: 'OP Mainnet', confirmations: 570, source: 'Circle CCTP: ~65 Ethereum blocks, 13-19 min' }],
  [8453, { chain: 'Base', confirmations: 570, source: 'Circle CCTP: ~65 Ethereum blocks, 13-19 min' }],
  [42161, { chain: 'Arbitrum One', confirmations: 4560, source: 'Circle CCTP: ~65 Ethereum blocks, 13-19 min' }],
]);
