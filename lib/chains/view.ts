import * as z from 'zod';
import { explorerTxTemplate } from './explorers.js';
import type { Chain, ChainRegistry } from './registry.js';

/**
 * A chain as merchants and the console see it (GET /v1/chains): never its RPC URLs (they may carry
 * a provider's key) nor its hot wallet's KMS key.
 */
export const chainViewSchema = z.object({
  object: z.literal('chain'),
  name: z.string(),
  chain_id: z.number().int(),
  /** A transaction's explorer page with `{hash}` where its hash goes; null: no public explorer (a local chain). */
  explorer_tx_url: z.string().nullable(),
  confirmations: z.number().int(),
  /** Whether charges (pay-ins) may offer this chain: its deposit factory is deployed. */
  pay_ins: z.boolean(),
  assets: z.array(z.object({
    symbol: z.string(),
    /** The token contract, or `native` for the chain's own coin. */
    address: z.string(),
    /** The token's decimals on this chain (amounts in the API are the asset's ledger minor units). */
    decimals: z.number().int(),
  })),
});
export type ChainView = z.infer<typeof chainViewSchema>;

export const chainListSchema = z.object({ object: z.literal('list'), data: z.array(chainViewSchema), has_more: z.literal(false) });

export function chainView(chain: Chain): ChainView {
  return {
    object: 'chain',
    name: chain.name,
    chain_id: chain.chainId,
    explorer_tx_url: explorerTxTemplate(chain),
    confirmations: chain.confirmations,
    pay_ins: chain.depositFactory !== undefined,
    assets: chain.assets.map((asset) => ({ symbol: asset.symbol, address: asset.address, decimals: asset.decimals })),
  };
}

/** Every chain of the registry, in its order. */
export function listChains(registry: ChainRegistry): z.infer<typeof chainListSchema> {
  return { object: 'list', data: registry.chains.map(chainView), has_more: false };
}
