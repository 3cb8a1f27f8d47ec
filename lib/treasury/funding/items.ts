import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** The platform account a funding is booked into: the chain's treasury Safe, or its hot wallets. */
export type FundingAccount = 'treasury' | 'hot_wallet';

/**
 * A booked funding: one token transfer into a treasury Safe or a hot wallet from outside Lanepay,
 * by chain, transaction and log index. The item is the booking's idempotency key (written on the
 * condition it is new, in the booking's transaction), and says what was booked. A log pays one
 * address, so one key space serves both accounts. The one module that spells `TFUNDING#`.
 */
export interface FundingRecord {
  chain: string;
  txHash: string;
  logIndex: number;
  blockNumber: number;
  from: string;
  account: FundingAccount;
  /** The address paid: the Safe, or the hot wallet. */
  recipient: string;
  asset: string;
  amountMinor: bigint;
  transferId: string;
  bookedAt: string;
}

export function fundingKey(chain: string, txHash: string, logIndex: number): Record<string, AttributeValue> {
  return { pk: { S: `TFUNDING#${chain}#${txHash.toLowerCase()}#${logIndex}` }, sk: { S: 'FUNDING' } };
}

/** The ledger transfer of a funding: its id is derived, so the same log never posts twice. */
export function fundingTransferId(chain: string, txHash: string, logIndex: number): string {
  return `trf_tfund_${chain}_${txHash.toLowerCase()}_${logIndex}`;
}

export function fundingItem(record: FundingRecord): Record<string, AttributeValue> {
  return {
    ...fundingKey(record.chain, record.txHash, record.logIndex),
    entity: { S: 'treasury-funding' },
    chain: { S: record.chain },
    txHash: { S: record.txHash.toLowerCase() },
    logIndex: { N: String(record.logIndex) },
    blockNumber: { N: String(record.blockNumber) },
    from: { S: record.from.toLowerCase() },
    account: { S: record.account },
    recipient: { S: record.recipient.toLowerCase() },
    ...(record.account === 'treasury' ? { safe: { S: record.recipient.toLowerCase() } } : {}),
    asset: { S: record.asset },
    amountMinor: { N: record.amountMinor.toString() },
    transferId: { S: record.transferId },
    bookedAt: { S: record.bookedAt },
  };
}
