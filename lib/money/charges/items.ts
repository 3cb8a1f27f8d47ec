import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ledgerDecimals } from '#ledger';
import { merchantListPartition, type MerchantProfile } from '#merchants';
import { bigintAttribute, jsonAttribute, readItem } from '#platform';
import type { FeeTerms } from '../payments/items.js';
import { chargeSchema, embeddedDepositsMax, type Charge, type Deposit } from './schemas.js';

/**
 * DynamoDB layout of pay-ins (single table):
 * - `CHARGE#<id>` / `CHARGE`: the charge (API object as JSON), its merchant, version, fee terms;
 *   gsi1 `MERCHANT#<m>#CHARGES` lists a merchant's charges; gsi2 `CHARGEEXP#<shard>` (sparse, while
 *   open with an expiry) feeds the expiry sweep.
 * - `DEPOSITADDR#<chain>#<address>` / `ADDR`: which charge an address belongs to; the watcher looks
 *   a transfer's recipient up by this key. gsi2 `WATCH#<chain>#<shard>`, sk
 *   `<watchUntil>#<charge>#<merchant>#<asset>#<min deposit>` lists the watched set (for operators;
 *   the watcher reads the sort key from the item itself).
 * - `DEPOSIT#<chain>#<tx>#<logIndex>` / `DEPOSIT`: a transfer recorded once (the key is the
 *   idempotency key); gsi1 `UNCONFIRMED#<chain>` (sparse) while not yet final.
 * - `CHARGE#<id>` / `DEPOSIT#<deposit id>`: the deposit as merchants see it, beside its charge, so
 *   `GET /v1/charges/{id}/deposits` is one query (deposit ids are time-ordered: newest first).
 * - `DUST#<chain>#<block hash>#<address>` / `DUST`: the dust one block sent to one address, booked
 *   on the charge once (count and sum).
 * - `SETASIDE#<chain>#<what>` / `SETASIDE`: a log the watcher could not book, left for an operator.
 * - `CHAINCURSOR#<chain>` / `CURSOR`: the next block the watcher scans.
 */
export const chargeIndexShards = 8;

export function chargeKey(id: string) {
  return { pk: { S: `CHARGE#${id}` }, sk: { S: 'CHARGE' } };
}

export function merchantChargesPartition(merchantId: string): string {
  return merchantListPartition(merchantId, 'CHARGES');
}

export function depositAddressKey(chain: string, address: string) {
  return { pk: { S: `DEPOSITADDR#${chain}#${address.toLowerCase()}` }, sk: { S: 'ADDR' } };
}

export function depositKey(chain: string, txHash: string, logIndex: number) {
  return { pk: { S: `DEPOSIT#${chain}#${txHash.toLowerCase()}#${logIndex}` }, sk: { S: 'DEPOSIT' } };
}

/** The sort key prefix of a charge's deposits in the charge's own partition. */
export const chargeDepositSkPrefix = 'DEPOSIT#';

/** The deposit as merchants see it, in its charge's partition. */
export function chargeDepositKey(chargeId: string, depositId: string) {
  return { pk: { S: `CHARGE#${chargeId}` }, sk: { S: `${chargeDepositSkPrefix}${depositId}` } };
}

export function chargeDepositItem(chargeId: string, deposit: Deposit): Record<string, AttributeValue> {
  return { ...chargeDepositKey(chargeId, deposit.id), entity: { S: 'charge-deposit' }, object: { S: JSON.stringify(deposit) } };
}

/** The dust a block sent to one deposit address; its key makes booking it idempotent. */
export function dustKey(chain: string, blockHash: string, address: string) {
  return { pk: { S: `DUST#${chain}#${blockHash.toLowerCase()}#${address.toLowerCase()}` }, sk: { S: 'DUST' } };
}

/** A log the watcher set aside (`what`: `<tx>#<log index>`, or `dust#<block hash>#<address>`). */
export function setAsideKey(chain: string, what: string) {
  return { pk: { S: `SETASIDE#${chain}#${what.toLowerCase()}` }, sk: { S: 'SETASIDE' } };
}

export function cursorKey(chain: string) {
  return { pk: { S: `CHAINCURSOR#${chain}` }, sk: { S: 'CURSOR' } };
}

export function watchPartitions(chain: string): string[] {
  return Array.from({ length: chargeIndexShards }, (_, shard) => `WATCH#${chain}#${shard}`);
}

export function expiryPartitions(): string[] {
  return Array.from({ length: chargeIndexShards }, (_, shard) => `CHARGEEXP#${shard}`);
}

export function unconfirmedPartition(chain: string): string {
  return `UNCONFIRMED#${chain}`;
}

/** gsi1 partition of credited deposits whose tokens still sit at their deposit address. */
export function unsweptPartition(chain: string): string {
  return `UNSWEPT#${chain}`;
}

export function shardOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % chargeIndexShards;
}

/** The charge item carries, besides the API object, its owner, version and the fee terms agreed at creation. */
export interface ChargeRecord {
  charge: Charge;
  merchantId: string;
  version: number;
  feeTerms: FeeTerms;
  /** Deposits after close, not reverted (the `late` flag); not part of the merchant's object. */
  lateDeposits: number;
  /** Transfers below this (ledger minor units) are dust: the merchant's setting when the charge was opened. */
  minDepositMinor: bigint;
}

/**
 * The smallest transfer credited as a deposit: the merchant's `minDeposit` for the asset, or 0.01
 * of the asset (10 000 minor units of 6-decimal USDC).
 */
export function minDepositFor(profile: Pick<MerchantProfile, 'minDeposit'>, asset: string): bigint {
  const set = profile.minDeposit?.[asset];
  return set !== undefined ? BigInt(set) : defaultMinDeposit(asset);
}

/**
 * A charge's minimum deposit: the merchant's, but never above the charge's own amount, so a charge
 * for less than the minimum can still be paid in one transfer.
 */
export function chargeMinDeposit(profile: Pick<MerchantProfile, 'minDeposit'>, asset: string, amountMinor: bigint | undefined): bigint {
  const min = minDepositFor(profile, asset);
  return amountMinor !== undefined && amountMinor < min ? amountMinor : min;
}

export function defaultMinDeposit(asset: string): bigint {
  const decimals = ledgerDecimals[asset] ?? 2;
  return 10n ** BigInt(Math.max(decimals - 2, 0));
}

/** Statuses in which a charge still expects money (and so can expire). */
export const openChargeStatuses = ['awaiting_payment', 'pending', 'underpaid'] as const;

export function isOpen(charge: Charge): boolean {
  return (openChargeStatuses as readonly string[]).includes(charge.status);
}

export function chargeItem(record: ChargeRecord): Record<string, AttributeValue> {
  const { charge } = record;
  const item: Record<string, AttributeValue> = {
    ...chargeKey(charge.id),
    entity: { S: 'charge' },
    merchantId: { S: record.merchantId },
    status: { S: charge.status },
    version: { N: String(record.version) },
    object: { S: JSON.stringify(charge) },
    feeTerms: { S: JSON.stringify(record.feeTerms) },
    lateDeposits: { N: String(record.lateDeposits) },
    minDeposit: { N: record.minDepositMinor.toString() },
    gsi1pk: { S: merchantChargesPartition(record.merchantId) },
    gsi1sk: { S: charge.id },
  };
  if (isOpen(charge) && charge.expires_at) {
    item.gsi2pk = { S: `CHARGEEXP#${shardOf(charge.id)}` };
    item.gsi2sk = { S: `${charge.expires_at}#${charge.id}` };
  }
  return item;
}

const storedChargeSchema = z.object({
  // Parsed after the embedded deposits of an older item are counted (fromEmbeddedDeposits).
  object: jsonAttribute(z.custom<Charge>()),
  merchantId: z.string(),
  version: z.number(),
  feeTerms: jsonAttribute(z.custom<FeeTerms>()),
  lateDeposits: z.number().optional(),
  minDeposit: z.optional(bigintAttribute),
});

export function chargeRecordFromItem(item: Record<string, AttributeValue>): ChargeRecord {
  const { object: stored, merchantId, version, feeTerms, lateDeposits, minDeposit } = readItem(storedChargeSchema, item);
  const charge = chargeSchema.parse(stored.deposit_count === undefined ? fromEmbeddedDeposits(stored) : stored);
  return {
    charge,
    merchantId,
    version,
    feeTerms,
    lateDeposits: lateDeposits ?? stored.deposits.filter((d) => d.late && d.status !== 'reverted').length,
    minDepositMinor: minDeposit ?? defaultMinDeposit(charge.asset),
  };
}

/**
 * A charge stored before deposits were items of their own carried every deposit: its counts come
 * from that list, which is cut to the embedded few (the sums were kept all along).
 */
function fromEmbeddedDeposits(stored: Charge): Charge {
  return {
    ...stored,
    deposits: stored.deposits.slice(0, embeddedDepositsMax).map((d) => ({ ...d, id: d.id ?? `dep_${'0'.repeat(26)}` })),
    deposit_count: stored.deposits.length,
    dust_count: 0,
    dust_amount: '0',
  };
}

/** Replaces a charge only if nobody changed it since it was read. */
export function replaceChargeItem(tableName: string, next: ChargeRecord, expectedVersion: number): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: chargeItem(next),
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': { N: String(expectedVersion) } },
      ReturnValuesOnConditionCheckFailure: 'NONE',
    },
  };
}

/** How long after expiry (or cancel) the watcher still matches an address, so late payments are credited. */
export const lateWindowMs = 30 * 24 * 3600 * 1000;
/** watchUntil of a charge that never expires (a top-up without expires_in). */
export const watchForever = '9999-12-31T23:59:59.999Z';

export interface WatchedAddress {
  chain: string;
  address: string;
  chargeId: string;
  merchantId: string;
  asset: string;
  /** Transfers below this (ledger minor units) are dust. */
  minDepositMinor: bigint;
}

export function depositAddressItem(watched: WatchedAddress, watchUntilIso: string): Record<string, AttributeValue> {
  return {
    ...depositAddressKey(watched.chain, watched.address),
    entity: { S: 'deposit-address' },
    chain: { S: watched.chain },
    address: { S: watched.address.toLowerCase() },
    chargeId: { S: watched.chargeId },
    merchantId: { S: watched.merchantId },
    asset: { S: watched.asset },
    gsi2pk: { S: `WATCH#${watched.chain}#${shardOf(watched.chargeId)}` },
    // The sort key carries what the watcher needs (it reads just pk and gsi2sk of the item), and
    // gsi2, which projects keys only, lists the watched set from it alone.
    gsi2sk: { S: `${watchUntilIso}#${watched.chargeId}#${watched.merchantId}#${watched.asset}#${watched.minDepositMinor}` },
  };
}

/** The watched address an index entry (keys only) describes. */
export function watchedFromIndexKeys(chain: string, keys: Record<string, AttributeValue>): WatchedAddress {
  const { pk, gsi2sk } = readItem(z.object({ pk: z.string(), gsi2sk: z.string() }), keys);
  const address = pk.slice(`DEPOSITADDR#${chain}#`.length);
  const [, chargeId, merchantId, asset, minDeposit] = gsi2sk.split('#');
  // Entries written before the minimum deposit existed have no fifth part: the default applies.
  return { chain, address, chargeId: chargeId!, merchantId: merchantId!, asset: asset!, minDepositMinor: minDeposit ? BigInt(minDeposit) : defaultMinDeposit(asset!) };
}
