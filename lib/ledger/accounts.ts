import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Ledger accounts. Merchant accounts are single items guarded by "debits must not exceed credits".
 * Platform accounts carry no balance constraint, so each is split into shards and its balance is
 * the sum of its shards: no single item is written by every payment.
 */
export type AccountId = string & { readonly __account: unique symbol };

export const platformShardCount = 16;

/**
 * `funding:<chain>`: the counterpart of money that reaches the platform's own wallets from outside
 * Lanepay (an operator's deposit into a treasury Safe, the local stack's mint). Booking it debits
 * `treasury:<chain>` against this account, so the treasury's ledger balance follows its Safe and the
 * ledger stays balanced; its (credit) balance is what the platform has put in (lib/treasury/funding).
 */
export type PlatformAccountName = 'clearing' | 'refunds' | 'fees' | 'sandbox' | `hotwallet:${string}` | `deposits:${string}` | `treasury:${string}` | `in_transit:${string}` | `funding:${string}`;

export function merchantAccount(merchantId: string, asset: string): AccountId {
  return `merchant:${merchantId}:${asset}` as AccountId;
}

export function platformAccount(name: PlatformAccountName, asset: string): AccountId {
  return `platform:${name}:${asset}` as AccountId;
}

export function isGuarded(account: AccountId): boolean {
  return account.startsWith('merchant:');
}

/** The shard a transfer touches on a platform account; stable per transfer so post/void hit the same item. */
export function shardFor(transferId: string): number {
  return createHash('sha256').update(transferId).digest().readUInt16BE(0) % platformShardCount;
}

/** The partition of an account's items: its one item (guarded) or its shards (platform). */
export function accountPartitionKey(account: AccountId): string {
  return `ACCOUNT#${account}`;
}

export function accountItemKey(account: AccountId, rootTransferId: string): { pk: string; sk: string } {
  if (isGuarded(account)) return { pk: accountPartitionKey(account), sk: 'ACCOUNT' };
  return { pk: accountPartitionKey(account), sk: `SHARD#${String(shardFor(rootTransferId)).padStart(2, '0')}` };
}

/** The item of a merchant's account in one asset (guarded accounts are a single item). */
export function merchantAccountKey(merchantId: string, asset: string): Record<string, AttributeValue> {
  const { pk, sk } = accountItemKey(merchantAccount(merchantId, asset), '');
  return { pk: { S: pk }, sk: { S: sk } };
}

/** A key naming a guarded (merchant) account's item: the one "debits must not exceed credits" conditions. */
export function isGuardedAccountKey(key: Record<string, AttributeValue> | undefined): boolean {
  return key?.pk?.S?.startsWith('ACCOUNT#merchant:') ?? false;
}

/** A merchant's new, empty account in one asset, opened with the merchant. */
export function newMerchantAccountItem(merchantId: string, asset: string): Record<string, AttributeValue> {
  return {
    ...merchantAccountKey(merchantId, asset),
    entity: { S: 'account' },
    accountId: { S: merchantAccount(merchantId, asset) },
    asset: { S: asset },
    debitsPending: { N: '0' },
    debitsPosted: { N: '0' },
    creditsPending: { N: '0' },
    creditsPosted: { N: '0' },
    available: { N: '0' },
  };
}
