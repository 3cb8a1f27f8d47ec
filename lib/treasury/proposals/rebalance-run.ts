import { getAddress } from 'ethers';
import type { ChainAdapter, ChainRegistry } from '#chains';
import { getMerchantProfile, treasuryMerchant } from '#merchants';
import { currentHotWallet } from '#money';
import type { ForecastRun } from '../planning/run.js';
import { toLedgerUnits } from '../planning/wallet.js';
import { planRebalancing } from '../rebalance/planner.js';
import type { ChainLiquidity, RebalancePolicy, RebalanceSettings } from '../rebalance/types.js';
import type { TransferExecutorDeps, TreasuryChain } from '../transfers/executor.js';
import { readOpenTransfers } from '../transfers/steps.js';
import { proposeMove, type ProposeOutcome } from './propose.js';

export interface RebalanceRunDeps extends Pick<TransferExecutorDeps, 'dynamodb' | 'tableName' | 'now' | 'chain' | 'provider' | 'actor'> {
  chains: ChainRegistry;
  adapter(chain: string): Pick<ChainAdapter, 'tokenBalance' | 'withKey'>;
  settings: RebalanceSettings;
}

export type RebalanceRunOutcome =
  | { skipped: 'no_treasury_owners' | 'no_treasury_rule' | 'no_chain_to_rebalance' }
  | { proposals: ProposeOutcome[] };

/** Open transfers a run counts: a bounded page (one per Safe is open at most, so a few per chain). */
const openTransfersRead = 50;

/**
 * After a forecast run: each chain's plan (its hot wallet's position and the run's sample paths),
 * its treasury's balance on chain and the transfers already on their way become the planner's input
 * (lib/treasury/rebalance), and each move it asks for is proposed to the treasury owners
 * (proposeMove: the transfer and its approval request in one transaction). Nothing is proposed
 * before owners are bound and the platform's policy has a treasury rule.
 */
export async function proposeRebalancing(deps: RebalanceRunDeps, runs: readonly ForecastRun[]): Promise<RebalanceRunOutcome> {
  const platformMerchantId = await treasuryMerchant(deps);
  if (!platformMerchantId) return { skipped: 'no_treasury_owners' };
  const platform = await getMerchantProfile(deps, platformMerchantId);
  if (!platform.approvals?.treasury) return { skipped: 'no_treasury_rule' };
  const open = await readOpenTransfers(deps, openTransfersRead);
  const liquidity: ChainLiquidity[] = [];
  const policies: Record<string, RebalancePolicy> = {};
  const wallets = await hotWalletsNow(deps);
  // Each proposal names the hot wallets payouts use now, not the registry's keys (a rotation moves them).
  const chainNow = (name: string): TreasuryChain => {
    const hotWallet = wallets.get(name);
    if (!hotWallet) throw new Error(`${name}'s hot wallet is being rotated: no move is proposed to or from it`);
    return { ...deps.chain(name), hotWallet };
  };
  for (const run of runs) {
    const chain = deps.chains.get(run.chain);
    const rebalance = chain?.treasury?.rebalance;
    if (!chain || !rebalance || run.superseded || !run.plan || !run.paths || run.asset !== 'USDC' || !wallets.has(chain.name)) continue;
    const treasury = chainNow(chain.name);
    const decimals = chain.assets.find((asset) => asset.symbol === run.asset)!.decimals;
    const onChain = await deps.adapter(chain.name).tokenBalance(treasury.safe, run.asset);
    // What an open transfer out of this treasury will take is not there to plan with.
    const leavingFrom = (account: 'treasury' | 'hot_wallet') => open
      .filter((t) => t.from.chain === chain.name && t.from.account === account && ['proposed', 'executing'].includes(t.status)).reduce((sum, t) => sum + BigInt(t.amount), 0n);
    const treasuryMinor = toLedgerUnits(onChain, run.asset, decimals) - leavingFrom('treasury');
    // A move out of the hot wallet proposed or not yet final is not there to plan with either (payouts
    // see it only once chain-submit reserves it; the plan's position counts payouts alone).
    const hotWalletMinor = BigInt(run.plan.availableMinor) - leavingFrom('hot_wallet');
    liquidity.push({
      chain: chain.name, asset: run.asset, forecastGeneratedAt: run.generatedAt, paths: run.paths,
      // Covered until the money a run proposes can land, and until the next run.
      horizonHours: Math.min(run.paths[0]!.length, chain.refillLeadTimeHours + 1),
      hotWalletAvailableMinor: hotWalletMinor > 0n ? hotWalletMinor : 0n,
      treasuryMinor: treasuryMinor > 0n ? treasuryMinor : 0n,
      inbound: open.filter((t) => t.to.chain === chain.name && t.to.account === 'hot_wallet' && t.asset === run.asset)
        .map((t) => ({ amountMinor: BigInt(t.amount), afterHours: t.route === 'cctp' ? rebalance.leadHours.crossChain : rebalance.leadHours.sameChain })),
      leadHours: rebalance.leadHours,
    });
    policies[chain.name] = {
      hotWalletFloorMinor: BigInt(rebalance.hotWalletFloorMinor), hotWalletCeilingMinor: BigInt(rebalance.hotWalletCeilingMinor),
      treasuryFloorMinor: BigInt(rebalance.treasuryFloorMinor), maxPerProposalMinor: BigInt(rebalance.maxPerProposalMinor), minimumMoveMinor: BigInt(rebalance.minimumMoveMinor),
    };
  }
  if (liquidity.length === 0) return { skipped: 'no_chain_to_rebalance' };
  const proposals: ProposeOutcome[] = [];
  for (const proposal of planRebalancing(liquidity, policies, deps.settings)) {
    proposals.push(await proposeMove({ ...deps, chain: chainNow, platformMerchantId }, platform, proposal));
  }
  return { proposals };
}

/**
 * The address of the hot wallet payouts use now on each chain with a treasury: the stored key after
 * a `chain rotate-wallet`, else the registry's. A chain whose rotation is under way has none: a move
 * into the wallet being emptied, or out of it, would race the drain.
 */
async function hotWalletsNow(deps: RebalanceRunDeps): Promise<Map<string, string>> {
  const wallets = new Map<string, string>();
  for (const chain of deps.chains.chains.filter((candidate) => candidate.treasury)) {
    const hotWallet = await currentHotWallet(deps, chain);
    if (hotWallet.state === 'draining') continue;
    wallets.set(chain.name, getAddress(await deps.adapter(chain.name).withKey(hotWallet.keyId).hotWalletAddress()));
  }
  return wallets;
}
