import { getAddress } from 'ethers';
import * as z from 'zod';
import { circleCctpDeployments } from './cctp.js';
import { documentedFinality } from './finality.js';

const evmAddressSchema = z.string().transform((value, ctx) => {
  try {
    return getAddress(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `${value} is not a valid EVM address` });
    return z.NEVER;
  }
});

const assetSchema = z.object({
  symbol: z.string().regex(/^[A-Z0-9]{2,12}$/),
  /** ERC-20 contract address, or "native" for the chain's own coin. */
  address: z.union([z.literal('native'), evmAddressSchema]),
  decimals: z.number().int().min(0).max(36),
});

const feePolicySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('eip1559'), maxFeePerGasWei: z.string().regex(/^\d+$/), maxPriorityFeePerGasWei: z.string().regex(/^\d+$/) }),
  /** Legacy gas price; consortium chains (Quorum, Besu) often use "0". */
  z.object({ type: z.literal('legacy'), gasPriceWei: z.string().regex(/^\d+$/) }),
]);

/**
 * The chain's CCTP V2 (Circle's Cross-Chain Transfer Protocol), through which the treasury moves
 * USDC between chains: its domain, TokenMessengerV2 (depositForBurn), MessageTransmitterV2
 * (receiveMessage) and the attestation API serving `GET /v2/messages/{domain}`. On AWS these are
 * Circle's (lib/chains/cctp.ts, checked below); on the local stack, its own contracts and service.
 */
const cctpSchema = z.object({
  domain: z.number().int().min(0).max(2 ** 32 - 1),
  tokenMessenger: evmAddressSchema,
  messageTransmitter: evmAddressSchema,
  attestationApi: z.url(),
});

/**
 * The chain's treasury: a Safe whose owners are KMS secp256k1 keys, `threshold` of which must sign
 * a transaction. At least two, so that no single key moves treasury funds; each owner's key once.
 */
/** An amount in the chain's USDC minor units, as a decimal string. */
const minorUnitsSchema = z.string().regex(/^(0|[1-9][0-9]{0,30})$/);

const treasurySchema = z.object({
  safe: evmAddressSchema,
  /**
   * Safe's MultiSendCallOnly (1.5.0) on the chain: the one contract the Safe delegatecalls, to approve
   * and burn in one transaction. Without it the treasury moves funds on this chain only.
   */
  multiSend: evmAddressSchema.optional(),
  threshold: z.number().int().min(2),
  /**
   * KMS key id or alias of the relayer (infra/treasury.yml TreasuryRelayerKey): the account that sends
   * the Safe's execTransaction and CCTP's receiveMessage and pays their gas. It holds no treasury funds.
   */
  relayerKeyId: z.string().min(1),
  /**
   * The relayer key's address: a cross-chain burn names it the only caller that may relay the message
   * on the destination (CCTP's destinationCaller), so no one else can receive it first. The treasury
   * function checks at start that its key derives this address.
   */
  relayerAddress: evmAddressSchema,
  /** The forecast job's limits for rebalancing this chain (lib/treasury/rebalance); without them it is never rebalanced. */
  rebalance: z.object({
    hotWalletFloorMinor: minorUnitsSchema,
    hotWalletCeilingMinor: minorUnitsSchema,
    treasuryFloorMinor: minorUnitsSchema,
    maxPerProposalMinor: minorUnitsSchema,
    minimumMoveMinor: minorUnitsSchema,
    /** Hours from proposing a move to its landing: from this chain's treasury, and from another chain's (approvals, CCTP). */
    leadHours: z.object({ sameChain: z.number().positive().max(48), crossChain: z.number().positive().max(48) }),
  }).optional(),
  owners: z.array(z.object({
    /** KMS key id, ARN or alias of the owner's key (ECC_SECG_P256K1). */
    keyId: z.string().min(1),
    /** The Safe owner address the key derives. */
    address: evmAddressSchema,
  })).min(2),
}).superRefine((treasury, ctx) => {
  if (treasury.threshold > treasury.owners.length) {
    ctx.addIssue({ code: 'custom', path: ['threshold'], message: `a threshold of ${treasury.threshold} needs at least as many owners, not ${treasury.owners.length}` });
  }
  for (const field of ['keyId', 'address'] as const) {
    if (new Set(treasury.owners.map((owner) => owner[field])).size !== treasury.owners.length) {
      ctx.addIssue({ code: 'custom', path: ['owners'], message: `each owner needs its own ${field}: one key signing for two owners would count twice toward the threshold` });
    }
  }
});

export const chainSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]{2,40}$/),
  chainId: z.number().int().positive(),
  rpcUrls: z.array(z.url()).min(1),
  /** At least the chain's documented finality (lib/chains/finality.ts) for the chains listed there. */
  confirmations: z.number().int().min(0).max(10_000),
  fees: feePolicySchema,
  assets: z.array(assetSchema).min(1),
  /** KMS key id or alias of the chain's hot wallet (ECC_SECG_P256K1). */
  hotWalletKeyId: z.string().min(1),
  /**
   * The platform's own addresses on this chain (hot wallets, current and past): a payout to one of
   * them would move money in a circle, so authorize refuses them as destinations.
   */
  ownAddresses: z.array(evmAddressSchema).default([]),
  /**
   * Hours between deciding to top up the hot wallet and the funds landing (treasury approval,
   * bridge, confirmations). The forecast job plans the balance over this window; at most a day,
   * since its stored sample paths cover the lead time (lib/treasury/planning).
   */
  refillLeadTimeHours: z.number().int().min(1).max(24).default(6),
  /**
   * The DepositFactory (contracts/DepositFactory.sol) deployed once on this chain with the hot
   * wallet as its sweeper: charges' deposit addresses derive from it. Without it the chain
   * takes no pay-ins (docs/pay-ins.md says how to deploy it).
   */
  depositFactory: evmAddressSchema.optional(),
  /**
   * Where sweeps of deposit addresses send their tokens: the hot wallet (the default, so deposits pay
   * out again at once), or the chain's treasury Safe (the forecast then tops the hot wallet up from it).
   * The ledger follows: a sweep posts to `hotwallet:<chain>` or to `treasury:<chain>`. Absent means
   * `hot_wallet` (optional rather than defaulted, so a Chain built in code needs no change: read it
   * with sweepDestination).
   */
  sweepTo: z.enum(['hot_wallet', 'treasury']).optional(),
  /**
   * A transaction's page on the chain's block explorer, `{hash}` standing for the tx hash. Absent:
   * the known explorer of the chain id (lib/chains/explorers.ts), or none (local and private chains).
   */
  explorerTxUrl: z.string().regex(/^https:\/\/[^\s{}]+\{hash\}[^\s{}]*$/, 'must be an https URL with {hash} where the transaction hash goes').optional(),
  /** CCTP V2 on this chain; without it the treasury moves no funds to or from this chain. */
  cctp: cctpSchema.optional(),
  /** The chain's treasury Safe and its owners; without it the chain has no treasury. */
  treasury: treasurySchema.optional(),
}).superRefine((chain, ctx) => {
  if (chain.sweepTo === 'treasury' && !chain.treasury) {
    ctx.addIssue({ code: 'custom', path: ['sweepTo'], message: `${chain.name} sweeps to its treasury but names none: set treasury, or sweepTo hot_wallet` });
  }
  const final = documentedFinality.get(chain.chainId);
  if (final && chain.confirmations < final.confirmations) {
    ctx.addIssue({
      code: 'custom', path: ['confirmations'],
      message: `${chain.name} (${final.chain}, chain id ${chain.chainId}) needs at least ${final.confirmations} confirmations, its documented finality (${final.source}); a refund before finality can pay twice`,
    });
  }
  const circle = circleCctpDeployments.get(chain.chainId);
  if (chain.cctp && circle) {
    for (const field of ['domain', 'tokenMessenger', 'messageTransmitter', 'attestationApi'] as const) {
      const same = (value: string | number) => String(value).toLowerCase().replace(/\/+$/, '');
      if (same(chain.cctp[field]) !== same(circle[field])) {
        ctx.addIssue({
          code: 'custom', path: ['cctp', field],
          message: `${chain.name} (${circle.chain}, chain id ${chain.chainId}): Circle's CCTP V2 ${field} there is ${circle[field]}, not ${chain.cctp[field]} (lib/chains/cctp.ts)`,
        });
      }
    }
  }
});

export const chainRegistrySchema = z.array(chainSchema).min(1).refine(
  (chains) => new Set(chains.map((chain) => chain.name)).size === chains.length,
  'chain names must be unique',
);

export type Chain = z.infer<typeof chainSchema>;

/** Where the chain's sweeps go (`sweepTo`, default the hot wallet). */
export function sweepDestination(chain: Pick<Chain, 'sweepTo'>): 'hot_wallet' | 'treasury' {
  return chain.sweepTo ?? 'hot_wallet';
}

/** The chains Lanepay pays out on (and takes pay-ins on, where a deposit factory is set), validated once at cold start. */
export class ChainRegistry {
  private readonly byName: Map<string, Chain>;
  constructor(readonly chains: Chain[]) {
    this.byName = new Map(chains.map((chain) => [chain.name, chain]));
  }

  static parse(json: string): ChainRegistry {
    return new ChainRegistry(chainRegistrySchema.parse(JSON.parse(json)));
  }

  get(name: string): Chain | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Every asset symbol carried by at least one chain: a merchant balance per asset spans chains. */
  assets(): string[] {
    return [...new Set(this.chains.flatMap((chain) => chain.assets.map((asset) => asset.symbol)))].sort();
  }
}
