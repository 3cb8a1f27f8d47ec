import { TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { getAddress } from 'ethers';
import { operatorActor, writeAudited, type AuditActor } from '#audit';
import type { ChainAdapter, ChainRegistry } from '#chains';
import { ledgerDecimals, platformAccount, transferItems } from '#ledger';
import { treasuryMerchant } from '#merchants';
import { platformEventItem } from '#money';
import { conditionFailedAt } from '#platform';
import { FundingChainError, FundingNotFinalError, FundingNotToTreasuryError, FundingTxNotFoundError, FundingTxRevertedError } from './errors.js';
import { fundingItem, fundingTransferId, type FundingRecord } from './items.js';

export interface FundingDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  chains: ChainRegistry;
  adapter(chain: string): Pick<ChainAdapter, 'tokenTransfers' | 'headBlock' | 'blockHash'>;
  now: () => Date;
  actor?: AuditActor;
  /**
   * The merchant whose audit log records each booking. Absent: the platform merchant the treasury is
   * bound to (the first `member add --owner`), or, before any is bound (the local stack at start, an
   * operator funding a fresh stage), none: the booking is still one transaction with its conditioned
   * record, postings and platform event, and says it was not audited.
   */
  auditMerchantId?: string | undefined;
}

/** One token transfer of the transaction into the Safe, and what became of it. */
export interface BookedFunding {
  logIndex: number;
  from: string;
  asset: string;
  /** Ledger minor units. */
  amount: string;
  transferId: string;
  /** `booked`: now; `already_booked`: by an earlier call (nothing written); `dust`: under one ledger unit, nothing to book. */
  outcome: 'booked' | 'already_booked' | 'dust';
}

export interface FundingResult {
  chain: string;
  txHash: string;
  safe: string;
  blockNumber: number;
  /** The merchant whose audit log holds the bookings made now, or null when none is bound yet. */
  auditedOn: string | null;
  transfers: BookedFunding[];
}

/**
 * Books money that reached a chain's treasury Safe from outside Lanepay (an operator's deposit, the
 * local stack's mint), so `treasury:<chain>` in the ledger follows the Safe. Reads the transaction's
 * receipt once its block is final (the chain registry's confirmations, at least the chain's
 * documented finality, and still canonical), takes its token Transfer logs whose recipient is the
 * Safe (only those: a transaction paying anyone else books nothing and says so), and books each in
 * ONE transaction: its record (conditioned on being new: chain, transaction, log index), the
 * posting `treasury:<chain>` ← `funding:<chain>`, a `treasury.funding.booked` platform event, and
 * the audit record. A log booked before is reported `already_booked`; calling again is harmless.
 */
export async function bookTreasuryFunding(deps: FundingDeps, input: { chain: string; txHash: string }): Promise<FundingResult> {
  const chain = deps.chains.get(input.chain);
  if (!chain) throw new FundingChainError(input.chain, 'is not in the chain registry');
  if (!chain.treasury) throw new FundingChainError(input.chain, 'has no treasury in the chain registry');
  const adapter = deps.adapter(chain.name);
  const mined = await adapter.tokenTransfers(input.txHash);
  if (!mined) throw new FundingTxNotFoundError(chain.name, input.txHash);
  if (!mined.receipt.succeeded) throw new FundingTxRevertedError(chain.name, input.txHash);
  const required = Math.max(chain.confirmations, 1);
  const confirmations = (await adapter.headBlock()) - mined.receipt.blockNumber + 1;
  if (confirmations < required) throw new FundingNotFinalError(chain.name, input.txHash, confirmations, required);
  const canonical = await adapter.blockHash(mined.receipt.blockNumber);
  if (canonical?.toLowerCase() !== mined.receipt.blockHash.toLowerCase()) throw new FundingNotFinalError(chain.name, input.txHash, confirmations, required);

  const safe = getAddress(chain.treasury.safe);
  const tokens = ledgerTokens(chain.assets);
  const inbound = mined.transfers.flatMap((transfer) => {
    const token = tokens.get(transfer.token.toLowerCase());
    return token && transfer.to.toLowerCase() === safe.toLowerCase() ? [{ ...transfer, token }] : [];
  });
  if (inbound.length === 0) throw new FundingNotToTreasuryError(chain.name, input.txHash, safe);

  const auditedOn = deps.auditMerchantId ?? (await treasuryMerchant(deps)) ?? null;
  const transfers: BookedFunding[] = [];
  for (const transfer of inbound) {
    const record: FundingRecord = {
      chain: chain.name, txHash: mined.receipt.hash, logIndex: transfer.logIndex, blockNumber: mined.receipt.blockNumber,
      from: getAddress(transfer.from), safe, asset: transfer.token.symbol,
      amountMinor: transfer.amount / transfer.token.scale,
      transferId: fundingTransferId(chain.name, mined.receipt.hash, transfer.logIndex),
      bookedAt: deps.now().toISOString(),
    };
    const view = { logIndex: record.logIndex, from: record.from, asset: record.asset, amount: record.amountMinor.toString(), transferId: record.transferId };
    if (record.amountMinor === 0n) {
      transfers.push({ ...view, outcome: 'dust' });
      continue;
    }
    transfers.push({ ...view, outcome: (await bookOne(deps, record, auditedOn)) ? 'booked' : 'already_booked' });
  }
  return { chain: chain.name, txHash: mined.receipt.hash, safe, blockNumber: mined.receipt.blockNumber, auditedOn, transfers };
}

/** The chain's ERC-20 assets the ledger carries, by lowercase address, with the factor from token units down to ledger units. */
function ledgerTokens(assets: { symbol: string; address: string; decimals: number }[]) {
  return new Map(assets.flatMap((asset) => {
    const decimals = ledgerDecimals[asset.symbol];
    if (asset.address === 'native' || decimals === undefined) return [];
    return [[asset.address.toLowerCase(), { symbol: asset.symbol, scale: 10n ** BigInt(asset.decimals - decimals) }] as const];
  }));
}

/** One booking, one transaction; false when the record existed (booked before: nothing written). */
async function bookOne(deps: FundingDeps, record: FundingRecord, auditedOn: string | null): Promise<boolean> {
  const now = deps.now();
  const items: TransactWriteItem[] = [
    { Put: { TableName: deps.tableName, Item: fundingItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    platformEventItem(deps.tableName, 'treasury.funding.booked', {
      chain: record.chain, tx_hash: record.txHash, log_index: String(record.logIndex), from: record.from, safe: record.safe,
      asset: record.asset, amount: record.amountMinor.toString(), transfer: record.transferId,
    }, now),
    ...transferItems(deps.tableName, [{
      kind: 'posted', id: record.transferId, debit: platformAccount(`treasury:${record.chain}`, record.asset),
      credit: platformAccount(`funding:${record.chain}`, record.asset), amountMinor: record.amountMinor, asset: record.asset,
    }], now.toISOString()),
  ];
  try {
    if (auditedOn) {
      await writeAudited(deps, {
        items,
        audit: { merchantId: auditedOn, actor: deps.actor ?? operatorActor, action: 'treasury.funding_booked', object: { type: 'treasury_funding', id: record.transferId }, at: now },
      });
    } else {
      await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
    }
    return true;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return false;
    throw error;
  }
}
