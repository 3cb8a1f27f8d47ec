import { ledgerDecimals, platformAccountBalance } from '#ledger';
import { treasuryOwnerMembers, treasuryTransferApprovals, type TreasuryOwnerMember } from '#merchants';
import type { Chain } from '#chains';
import { readLiquidity, type Liquidity, type LiquidityDeps } from '../planning/liquidity-view.js';
import { toLedgerUnits } from '../planning/wallet.js';
import { openTransfers, proposalView } from './proposals.js';
import { readSafeOnChain, safeWarnings, type ChainReader, type SafeOnChain } from './safe-chain.js';
import type { TreasuryChainStatus, TreasuryStatus } from './schema.js';

export interface TreasuryStatusDeps extends LiquidityDeps {
  /** Read-only calls to a chain's node (its FailoverRpc, with the caller's timeouts). */
  reader(chain: string): ChainReader;
  /** The platform merchant whose approval requests ask for the transfers; without it, no approval is shown. */
  platformMerchantId?: string | undefined;
  /** Open proposals shown at most (default 20). */
  proposalLimit?: number;
}

/**
 * The treasury on every chain that has one: its Safe read from the chain (a chain that does not
 * answer is reported in `error`, the rest still shows), the ledger's `treasury:<chain>`, the owners
 * with the members bound to their keys, the hot wallets as readLiquidity reads them, and the open
 * proposals with their approvals. Every read is bounded: owners by the Safe, chains by the
 * registry, proposals and approvals by one page each.
 */
export async function readTreasuryStatus(deps: TreasuryStatusDeps): Promise<TreasuryStatus> {
  const chains = deps.chains.chains.filter((chain) => chain.treasury);
  const ownerIndexes = [...new Set(chains.flatMap((chain) => chain.treasury!.owners.map((_, i) => i + 1)))];
  const [liquidity, members, transfers] = await Promise.all([
    readLiquidity(deps),
    treasuryOwnerMembers(deps, ownerIndexes),
    openTransfers(deps, deps.proposalLimit ?? 20),
  ]);
  const approvals = deps.platformMerchantId
    ? await treasuryTransferApprovals(deps, deps.platformMerchantId, transfers.data.flatMap((transfer) => (transfer.approvalId ? [{ transferId: transfer.id, approvalId: transfer.approvalId }] : [])))
    : new Map();
  return {
    object: 'treasury',
    chains: await Promise.all(chains.map((chain) => chainStatus(deps, chain, members, liquidity.data.filter((wallet) => wallet.chain === chain.name)))),
    proposals: { object: 'list', data: transfers.data.map((transfer) => proposalView(transfer, approvals.get(transfer.id))), has_more: transfers.hasMore },
  };
}

async function chainStatus(deps: TreasuryStatusDeps, chain: Chain, members: Map<number, TreasuryOwnerMember>, hotWallets: Liquidity[]): Promise<TreasuryChainStatus> {
  const treasury = chain.treasury!;
  const assets = chain.assets.filter((asset) => asset.address !== 'native' && ledgerDecimals[asset.symbol] !== undefined);
  const [onChain, ledger] = await Promise.all([
    readSafeOnChain(deps.reader(chain.name), chain).then(
      (safe): SafeOnChain | Error => safe,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    ),
    Promise.all(assets.map((asset) => platformAccountBalance(deps, `treasury:${chain.name}`, asset.symbol))),
  ]);
  const read = onChain instanceof Error ? undefined : onChain;
  const listed = new Set(read?.owners.map((owner) => owner.toLowerCase()));
  return {
    object: 'treasury_chain',
    chain: chain.name,
    chain_id: chain.chainId,
    safe: treasury.safe,
    threshold: treasury.threshold,
    chain_threshold: read?.threshold ?? null,
    owners: treasury.owners.map((owner, i) => {
      const member = members.get(i + 1);
      return {
        index: i + 1,
        address: owner.address,
        on_chain: read ? listed.has(owner.address.toLowerCase()) : null,
        member: member ? { id: member.memberId, email: member.email, status: member.status } : null,
      };
    }),
    balances: assets.map((asset, i) => ({
      asset: asset.symbol,
      on_chain: read ? toLedgerUnits(read.balances[asset.symbol] ?? 0n, asset.symbol, asset.decimals).toString() : null,
      ledger: ledger[i]!.postedMinor.toString(),
    })),
    hot_wallets: hotWallets,
    warnings: read ? safeWarnings(chain, read) : [],
    error: onChain instanceof Error ? `the Safe could not be read now: ${onChain.message}` : null,
  };
}
