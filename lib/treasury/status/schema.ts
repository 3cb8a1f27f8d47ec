import * as z from 'zod';
import { transferRoutes, transferStatuses } from '../transfers/items.js';
import { liquiditySchema } from '../planning/liquidity-view.js';

/**
 * GET /v1/treasury and `lanepay treasury status`: per chain, the treasury Safe (its balance on the
 * chain and in the ledger, its owners and threshold as the chain says and as the registry says), the
 * hot wallets against their plans (GET /v1/liquidity's entries), and the open proposals. Amounts are
 * the asset's ledger minor units as decimal strings, each beside its asset.
 */

const minor = z.string().regex(/^-?(0|[1-9][0-9]*)$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const treasuryOwnerSchema = z.object({
  /** Owner key n (1..N): the same key, and address, on every chain. */
  index: z.number().int(),
  address,
  /** Whether the Safe on the chain lists this owner; null when the chain did not answer. */
  on_chain: z.boolean().nullable(),
  /** The platform member bound to this owner key (`lanepay member add --platform --owner n`); null while none is. */
  member: z.object({ id: z.string(), email: z.string(), status: z.enum(['active', 'revoked']) }).nullable(),
});

export const treasuryChainSchema = z.object({
  object: z.literal('treasury_chain'),
  chain: z.string(),
  chain_id: z.number().int(),
  safe: address,
  /** The threshold the registry names (what proposals ask for). */
  threshold: z.number().int(),
  /** The Safe's own getThreshold(); null when the chain did not answer. */
  chain_threshold: z.number().int().nullable(),
  owners: z.array(treasuryOwnerSchema),
  balances: z.array(z.object({
    asset: z.string(),
    /** The Safe's token balance on the chain; null when the chain did not answer. */
    on_chain: minor.nullable(),
    /** The ledger's `treasury:<chain>` account (posted). */
    ledger: minor,
  })),
  /** The chain's hot wallets against their plans, as GET /v1/liquidity shows them. */
  hot_wallets: z.array(liquiditySchema),
  /** Where the chain and the registry disagree (threshold, owners): each a sentence. */
  warnings: z.array(z.string()),
  /** Why the Safe could not be read now (an unreachable node); the rest still shows. */
  error: z.string().nullable(),
});
export type TreasuryChainStatus = z.infer<typeof treasuryChainSchema>;

export const treasuryProposalSchema = z.object({
  object: z.literal('treasury_transfer'),
  id: z.string(),
  status: z.enum(transferStatuses),
  route: z.enum(transferRoutes),
  asset: z.string(),
  amount: minor,
  /** A treasury Safe, or a hot wallet (`address`: the wallet that sends). */
  from: z.object({ chain: z.string(), account: z.enum(['treasury', 'hot_wallet']), address: address.optional() }),
  to: z.object({ chain: z.string(), account: z.enum(['hot_wallet', 'treasury']), address }),
  /** Why it was proposed: the forecast that asked for it (the destination chain's), as the job recorded it. */
  reason: z.record(z.string(), z.string()),
  /** Out of a treasury: the SafeTx its owners sign; null out of a hot wallet. */
  safe_tx_hash: z.string().nullable(),
  /** Out of a hot wallet: the hash of the move its key signs once approved (lib/treasury/moves); null out of a treasury. */
  move_hash: z.string().nullable(),
  /** Owner signatures collected, out of `threshold`. */
  signatures: z.number().int(),
  threshold: z.number().int(),
  signed_by: z.array(z.object({ owner: z.number().int(), member: z.string(), signed_at: z.string() })),
  /** The approval request members decide it by; null when it is not among the latest requests. */
  approval: z.object({
    id: z.string(),
    status: z.string(),
    approvals: z.number().int(),
    approvals_required: z.number().int(),
    expires_at: z.string(),
  }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TreasuryProposal = z.infer<typeof treasuryProposalSchema>;

export const treasuryStatusSchema = z.object({
  object: z.literal('treasury'),
  /** Every chain whose registry entry names a treasury, in the registry's order. */
  chains: z.array(treasuryChainSchema),
  /** Transfers not yet succeeded or failed, newest first; `has_more` when more are open than shown. */
  proposals: z.object({ object: z.literal('list'), data: z.array(treasuryProposalSchema), has_more: z.boolean() }),
});
export type TreasuryStatus = z.infer<typeof treasuryStatusSchema>;
