import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * A booked funding: one token transfer into a treasury Safe from outside Lanepay, by chain,
 * transaction and log index. The item is the booking's idempotency key (written on the condition it
 * is new, in the booking's transaction), and says what was booked. The one module that spells `TFUNDING#`.
 */
export interface FundingRecord {
  chain: string;
  txHash: string;
  logIndex: number;
  blockNumber: number;
  from: string;
  safe: string;
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
    safe: { S: record.safe.toLowerCase() },
    asset: { S: record.asset },
    amountMinor: { N: record.amountMinor.toString() },
    transferId: { S: record.transferId },
    bookedAt: { S: record.bookedAt },
  };
}
