/** Where money sits on one chain: the Safe treasury or the hot wallet that pays out. */
export type AccountKind = 'treasury' | 'hot_wallet';

export interface AccountRef {
  chain: string;
  account: AccountKind;
}

/** Money already on its way to a hot wallet, landing `afterHours` from now (fractions allowed). */
export interface Arrival {
  amountMinor: bigint;
  afterHours: number;
}

/** One chain's side of a planning run, for one asset (all chains of a run carry the same asset). */
export interface ChainLiquidity {
  chain: string;
  asset: string;
  /** The forecast run the paths come from (a proposal names it as its reason). */
  forecastGeneratedAt: string;
  /**
   * Simulated hourly payout outflows of the hot wallet (minor units, floats), step 1 the coming
   * hour, each at least `horizonHours` long: the forecast's sample paths.
   */
  paths: readonly Float64Array[];
  /** Hours the hot wallet must stay covered: its refill lead time plus the time to the next run. */
  horizonHours: number;
  /** The hot wallet's balance minus its payouts in flight (PlanRecord.availableMinor). */
  hotWalletAvailableMinor: bigint;
  treasuryMinor: bigint;
  /** Transfers proposed or in transit to the hot wallet: counted when they land, not before. */
  inbound?: readonly Arrival[];
  /** Hours from proposing a move to its landing: from this chain's treasury, and from another chain (CCTP). */
  leadHours: { sameChain: number; crossChain: number };
}

/** An operator's limits for one chain, in minor units of the run's asset. */
export interface RebalancePolicy {
  /** The hot wallet never holds less after a move out of it; a top-up aims at least this high. */
  hotWalletFloorMinor: bigint;
  /** No top-up takes the hot wallet above it; above it, the excess goes back to the chain's treasury. */
  hotWalletCeilingMinor: bigint;
  treasuryFloorMinor: bigint;
  /** The largest amount one proposal moves out of (or into) this chain. */
  maxPerProposalMinor: bigint;
  /** Smaller moves are not worth their approvals and fees: never proposed. */
  minimumMoveMinor: bigint;
}

export interface RebalanceSettings {
  /** Quantile of the horizon's outflow a hot wallet is topped up to cover (e.g. 0.99). */
  quantile: number;
  /** A source may be left with at most this dry probability over its own horizon (e.g. 0.05). */
  shortfallProbability: number;
}

export interface RebalanceProposal {
  /** Deterministic from the run's inputs: the same plan proposed twice has the same id. */
  id: string;
  from: AccountRef;
  to: AccountRef;
  amountMinor: bigint;
  asset: string;
  reason: {
    /** `top_up`: the destination hot wallet is short; `sweep`: the source hot wallet is above its ceiling. */
    kind: 'top_up' | 'sweep';
    forecastGeneratedAt: string;
    /** The hot wallet the move is for (the destination of a top-up, the source of a sweep): before and after it. */
    dryProbabilityBefore: number;
    dryProbabilityAfter: number;
    /** What the destination hot wallet was short of (0 for a sweep). */
    topUpMinor: bigint;
    /** A hot wallet source's dry probability over its own horizon once the money has left. */
    sourceDryProbabilityAfter?: number;
  };
}
