import * as z from 'zod';
import { chargeAddressSchema, chargeSchema, chargeStatuses, type Charge } from '../charges/schemas.js';
import { ledgerDecimals } from '../ledger/assets.js';

/**
 * What a payer may see of a charge: the hosted page renders it, and a connection opened with a
 * checkout token receives charge events carrying it instead of the merchant's charge. It leaves out
 * the merchant's customer id, metadata, fees, flags and the deposits' details.
 */
export const checkoutViewSchema = z.object({
  id: z.string(),
  object: z.literal('charge'),
  status: z.enum(chargeStatuses),
  /** Minor units of the asset (ledger decimals); null for a top-up, which takes any amount. */
  amount: z.string().nullable(),
  asset: z.string(),
  /** Decimals of `amount` and `amount_received`, so the page can format them. */
  decimals: z.number().int().min(0),
  amount_received: z.string(),
  amount_pending: z.string(),
  addresses: z.array(chargeAddressSchema),
  expires_at: z.string().nullable(),
  description: z.string().nullable(),
});
export type CheckoutView = z.infer<typeof checkoutViewSchema>;

/** A charge's public view; the asset's ledger decimals must be known (they are for every asset a charge accepts). */
export function checkoutView(charge: Charge): CheckoutView {
  const decimals = ledgerDecimals[charge.asset];
  if (decimals === undefined) throw new Error(`no ledger decimals for ${charge.asset}`);
  return {
    id: charge.id,
    object: 'charge',
    status: charge.status,
    amount: charge.amount,
    asset: charge.asset,
    decimals,
    amount_received: charge.amount_received,
    amount_pending: charge.amount_pending,
    addresses: charge.addresses.map(({ chain, chain_id, deposit_address, payment_uri }) => ({ chain, chain_id, deposit_address, payment_uri })),
    expires_at: charge.expires_at,
    description: charge.description,
  };
}

/** A charge event as a checkout page receives it: same id, type and time, the charge's public view. */
export interface CheckoutEvent {
  id: string;
  object: 'event';
  type: string;
  created_at: string;
  data: { object: CheckoutView };
}

const chargeEventSchema = z.object({
  id: z.string(),
  type: z.string().startsWith('charge.'),
  created_at: z.string(),
  data: z.object({ object: chargeSchema }),
});

/**
 * The checkout page's copy of `event`, or undefined when it is not a charge event: a checkout
 * connection must never receive anything else, whatever it subscribed to.
 */
export function checkoutEvent(event: unknown): CheckoutEvent | undefined {
  const parsed = chargeEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const { id, type, created_at, data } = parsed.data;
  return { id, object: 'event', type, created_at, data: { object: checkoutView(data.object) } };
}
