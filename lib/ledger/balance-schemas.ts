import * as z from 'zod';
import { balanceTransactionIdPattern, balanceTransactionTypes } from './balance-transactions.js';

// Signed minor units; a sum of amounts (a balance), so up to DynamoDB's 38 digits, not an amount's 30.
const signedMinor = z.string().regex(/^-?[0-9]{1,38}$/);

/** One movement of a merchant's balance, as GET /v1/balance_transactions answers it. */
export const balanceTransactionSchema = z.object({
  id: z.string().regex(balanceTransactionIdPattern),
  object: z.literal('balance_transaction'),
  type: z.enum(balanceTransactionTypes),
  /** Gross, in minor units: what moved before the fee (negative when money left the balance). */
  amount: signedMinor,
  /** Lanepay's fee within this movement (`amount - fee = net`). */
  fee: signedMinor,
  /** What the balance moved by; their sum over a merchant's transactions in an asset is its balance. */
  net: signedMinor,
  asset: z.string(),
  /** The object that caused it: `pay_...`, `ch_...`, or the transfer of a sandbox top-up. */
  source: z.string(),
  chain: z.string().nullable(),
  tx_hash: z.string().nullable(),
  /** The balance (`available + pending` of GET /v1/balances) right after this movement. */
  balance_after: signedMinor,
  created: z.string(),
});
export type BalanceTransaction = z.infer<typeof balanceTransactionSchema>;

/** A `created` bound: an RFC 3339 instant (its pattern goes into the OpenAPI document as is). */
export const createdBoundSchema = z.iso.datetime({ offset: true });
/** `?source=`: an object's id. */
export const sourceIdSchema = z.string().regex(/^[a-z]{1,8}_[0-9A-Za-z_.:-]{1,200}$/);

/** GET /v1/balance_transactions: a page, newest first, with optional filters. */
export const balanceTransactionsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().regex(balanceTransactionIdPattern).optional(),
  type: z.enum(balanceTransactionTypes).optional(),
  source: sourceIdSchema.optional(),
  'created[gte]': createdBoundSchema.optional(),
  'created[lt]': createdBoundSchema.optional(),
});
export type BalanceTransactionsQuery = z.infer<typeof balanceTransactionsQuerySchema>;
