import * as z from 'zod';
import { customerIdSchema } from '../customers/ids.js';
import { amountStringSchema } from '../ledger/amount.js';
import { metadataSchema } from '../payments/schemas.js';

/** Default and longest life of a charge with an amount (a top-up without `expires_in` never expires). */
export const defaultChargeExpirySeconds = 30 * 60;
export const maxChargeExpirySeconds = 24 * 3600;

export const chargeIdSchema = z.string().regex(/^ch_[0-9a-z]{26}$/, 'must be a charge id (ch_...)');

/** Body of POST /v1/charges. Without `amount` the charge is a top-up: whatever arrives is credited. */
export const createChargeBodySchema = z.strictObject({
  amount: z.optional(amountStringSchema),
  asset: z.string().regex(/^[A-Z0-9]{2,12}$/, 'must be an asset symbol such as "USDC"'),
  /** The chains the customer may pay on; every chain of the registry carrying the asset by default. */
  chains: z.array(z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a chain name such as "local-a"')).min(1).max(20)
    .refine((chains) => new Set(chains).size === chains.length, 'must name each chain once')
    .meta({ uniqueItems: true })
    .optional(),
  expires_in: z.number().int().min(60).max(maxChargeExpirySeconds).optional(),
  customer: customerIdSchema.optional(),
  description: z.string().max(500).optional(),
  metadata: metadataSchema.optional(),
});
export type CreateChargeBody = z.infer<typeof createChargeBodySchema>;

export const chargeIdPathSchema = z.strictObject({ id: chargeIdSchema });
export const cancelChargeBodySchema = z.strictObject({});

export const chargeListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: chargeIdSchema.optional(),
});

export const depositIdSchema = z.string().regex(/^dep_[0-9a-z]{26}$/, 'must be a deposit id (dep_...)');

/** GET /v1/charges/{id}/deposits: newest first (the order the watcher first recorded them). */
export const depositListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: depositIdSchema.optional(),
});

/**
 * awaiting_payment → pending (seen on chain, not final) → succeeded (final, credited). underpaid: final
 * total below the amount, still payable until expiry. overpaid: credited in full. expired: time up
 * (whatever arrived is credited, flagged). canceled: by the merchant, before anything arrived.
 */
export const chargeStatuses = ['awaiting_payment', 'pending', 'succeeded', 'underpaid', 'overpaid', 'expired', 'canceled'] as const;
export type ChargeStatus = (typeof chargeStatuses)[number];

/** Marks that stay on a charge once set: what an operator or merchant should look at. */
export const chargeFlags = ['underpaid', 'overpaid', 'late'] as const;
export type ChargeFlag = (typeof chargeFlags)[number];

/** How many deposits the charge object carries; the rest are listed by GET /v1/charges/{id}/deposits. */
export const embeddedDepositsMax = 10;

/** pending: seen, not yet at the chain's confirmation depth; credited: final and booked; reverted: its block left the chain. */
export const depositStatuses = ['pending', 'credited', 'reverted'] as const;

export const depositSchema = z.object({
  /** Time-ordered, given when the watcher first records the transfer; the deposit list's cursor. */
  id: z.string(),
  chain: z.string(),
  tx_hash: z.string(),
  log_index: z.number().int().min(0),
  block_number: z.number().int().min(0),
  block_hash: z.string(),
  /** Ledger minor units of the asset (token units scaled down to the asset's ledger decimals). */
  amount: z.string(),
  /** Blocks on top of the deposit's block, counting it, when last seen. */
  confirmations: z.number().int().min(0),
  status: z.enum(depositStatuses),
  /** Arrived after the charge expired or was canceled; credited all the same. */
  late: z.boolean(),
  created_at: z.string(),
});
export type Deposit = z.infer<typeof depositSchema>;

/** Where to pay on one chain: the charge's own deposit address and an EIP-681 URI for wallets and QR codes. */
export const chargeAddressSchema = z.object({
  chain: z.string(),
  chain_id: z.number().int(),
  deposit_address: z.string(),
  /** EIP-681 `ethereum:<token>@<chainId>/transfer?address=<deposit>[&uint256=<token units>]`. */
  payment_uri: z.string(),
});
export type ChargeAddress = z.infer<typeof chargeAddressSchema>;

/** The charge as merchants (and the hosted checkout page) see it, in responses, events and webhooks. */
export const chargeSchema = z.object({
  id: z.string(),
  object: z.literal('charge'),
  status: z.enum(chargeStatuses),
  /** Null for a top-up: any amount is accepted. */
  amount: z.string().nullable(),
  asset: z.string(),
  addresses: z.array(chargeAddressSchema),
  /** Sum of credited deposits (final on chain), ledger minor units. */
  amount_received: z.string(),
  /** Sum of deposits seen but not yet final. */
  amount_pending: z.string(),
  /** Fees taken from what was credited. */
  fee: z.string(),
  flags: z.array(z.enum(chargeFlags)),
  /**
   * The first deposits recorded (at most `embeddedDepositsMax`, oldest first), kept up to date;
   * `deposit_count` counts them all and `GET /v1/charges/{id}/deposits` lists them all.
   */
  deposits: z.array(depositSchema).max(embeddedDepositsMax),
  /** Transfers at or above the merchant's minimum deposit, recorded as deposits (any status). */
  deposit_count: z.number().int().min(0),
  /** Transfers below the minimum deposit: counted, never credited, never changing the status. */
  dust_count: z.number().int().min(0),
  /** Their sum, ledger minor units (a transfer below one ledger unit counts as 0). */
  dust_amount: z.string(),
  expires_at: z.string().nullable(),
  hosted_url: z.string(),
  customer: z.string().nullable(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  created_at: z.string(),
  canceled_at: z.string().nullable(),
});
export type Charge = z.infer<typeof chargeSchema>;
