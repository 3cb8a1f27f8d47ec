import { TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { getAddress } from 'ethers';
import { operatorActor, writeAudited, type AuditActor } from '#audit';
import type { ChainAdapter, ChainRegistry } from '#chains';
import { ledgerDecimals, platformAccount, transferItems } from '#ledger';
import { treasuryMerchant } from '#merchants';
import { hotWalletAddresses, platformEventItem } from '#money';
import { conditionFailedAt } from '#platform';
import {
  FundingChainError, FundingNotFinalError, FundingNotToHotWalletError, FundingNotToTreasuryError, FundingOwnTransactionError, FundingTxNotFoundError, FundingTxRevertedError,
} from './errors.js';
import { fundingItem, fundingTransferId, type FundingAccount, type FundingRecord } from './items.js';

export interface FundingDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  chains: ChainRegistry;
  adapter(chain: string): Pick<ChainAdapter, 'tokenTransfers' | 'headBlock' | 'blockHash' | 'hotWalletAddress' | 'withKey'>;
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

/** One token transfer of the transaction into the Safe or a hot wallet, and what became of it. */
export interface BookedFunding {
  logIndex: number;
  from: string;
  /** The address it paid (the Safe, or one of the chain's hot wallets). */
  to: string;
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
  account: FundingAccount;
  /** The addresses a log had to pay to be booked: the Safe, or every hot wallet of the chain. */
  recipients: string[];
  /** The Safe, when booked into the treasury. */
  safe?: string;
  blockNumber: number;
  /** The merchant whose audit log holds the bookings made now, or null when none is bound yet. */
  auditedOn: string | null;
  transfers: BookedFunding[];
}

/**
 * Books money that reached a chain's treasury Safe from outside Lanepay (an operator's deposit, the
 * local stack's mint), so `treasury:<chain>` in the ledger follows the Safe. See bookFunding.
 */
export function bookTreasuryFunding(deps: FundingDeps, input: { chain: string; txHash: string }): Promise<FundingResult> {
  return bookFunding(deps, { ...input, into: 'treasury' });
}

/**
 * Books money that reached one of a chain's hot wallets (current or retired) from outside Lanepay,
 * so `hotwallet:<chain>` follows the sum of the chain's hot wallets. See bookFunding.
 */
export function bookHotWalletFunding(deps: FundingDeps, input: { chain: string; txHash: string }): Promise<FundingResult> {
  return bookFunding(deps, { ...input, into: 'hot_wallet' });
}

/**
 * Books money paid into a platform account's addresses from outside Lanepay: the treasury Safe
 * (`treasury:<chain>`) or the chain's hot wallets (`hotwallet:<chain>`). Reads the transaction's
 * receipt once its block is final (the chain registry's confirmations, at least the chain's
 * documented finality, and still canonical), refuses a transaction one of Lanepay's own keys sent
 * (a hot wallet's sweep or payout, the relayer's Safe execution or CCTP mint: each books itself),
 * takes its token Transfer logs whose recipient is one of the account's addresses and whose sender
 * is none of the platform's (only those: a transaction paying anyone else books nothing and says
 * so), and books each in ONE transaction: its record (conditioned on being new: chain, transaction,
 * log index), the posting `<account>:<chain>` ← `funding:<chain>`, a `treasury.funding.booked`
 * platform event, and the audit record. A log booked before is reported `already_booked`; calling
 * again is harmless.
 */
export async function bookFunding(deps: FundingDeps, input: { chain: string; txHash: string; into: FundingAccount }): Promise<FundingResult> {
  const chain = deps.chains.get(input.chain);
  if (!chain) throw new FundingChainError(input.chain, 'is not in the chain registry');
  if (input.into === 'treasury' && !chain.treasury) throw new FundingChainError(input.chain, 'has no treasury in the chain registry');
  const adapter = deps.adapter(chain.name);
  const mined = await adapter.tokenTransfers(input.txHash);
  if (!mined) throw new FundingTxNotFoundError(chain.name, input.txHash);
  if (!mined.receipt.succeeded) throw new FundingTxRevertedError(chain.name, input.txHash);
  const required = Math.max(chain.confirmations, 1);
  const confirmations = (await adapter.headBlock()) - mined.receipt.blockNumber + 1;
  if (confirmations < required) throw new FundingNotFinalError(chain.name, input.txHash, confirmations, required);
  const canonical = await adapter.blockHash(mined.receipt.blockNumber);
  if (canonical?.toLowerCase() !== mined.receipt.blockHash.toLowerCase()) throw new FundingNotFinalError(chain.name, input.txHash, confirmations, required);

  const hotWallets = await hotWalletAddresses(deps, chain, adapter);
  const safe = chain.treasury ? chain.treasury.safe.toLowerCase() : undefined;
  const own = new Set([...hotWallets, ...(safe ? [safe] : []), ...(chain.treasury ? [chain.treasury.relayerAddress.toLowerCase()] : [])]);
  if (own.has(mined.sender.toLowerCase())) throw new FundingOwnTransactionError(chain.name, input.txHash, getAddress(mined.sender));
  const recipients = input.into === 'treasury' ? [safe!] : hotWallets;
  const tokens = ledgerTokens(chain.assets);
  const inbound = mined.transfers.flatMap((transfer) => {
    const token = tokens.get(transfer.token.toLowerCase());
    // From one of the platform's addresses to another is a movement of its own (booked by its step), not funding.
    return token && recipients.includes(transfer.to.toLowerCase()) && !own.has(transfer.from.toLowerCase()) ? [{ ...transfer, token }] : [];
  });
  if (inbound.length === 0) {
    if (input.into === 'treasury') throw new FundingNotToTreasuryError(chain.name, input.txHash, getAddress(safe!));
    throw new FundingNotToHotWalletError(chain.name, input.txHash, hotWallets.map((address) => getAddress(address)));
  }

  const auditedOn = deps.auditMerchantId ?? (await treasuryMerchant(deps)) ?? null;
  const transfers: BookedFunding[] = [];
  for (const transfer of inbound) {
    const record: FundingRecord = {
      chain: chain.name, txHash: mined.receipt.hash, logIndex: transfer.logIndex, blockNumber: mined.receipt.blockNumber,
      from: getAddress(transfer.from), account: input.into, recipient: getAddress(transfer.to), asset: transfer.token.symbol,
      amountMinor: transfer.amount / transfer.token.scale,
      transferId: fundingTransferId(chain.name, mined.receipt.hash, transfer.logIndex),
      bookedAt: deps.now().toISOString(),
    };
    const view = { logIndex: record.logIndex, from: record.from, to: record.recipient, asset: record.asset, amount: record.amountMinor.toString(), transferId: record.transferId };
    if (record.amountMinor === 0n) {
      transfers.push({ ...view, outcome: 'dust' });
      continue;
    }
    transfers.push({ ...view, outcome: (await bookOne(deps, record, auditedOn)) ? 'booked' : 'already_booked' });
  }
  return {
    chain: chain.name, txHash: mined.receipt.hash, account: input.into, recipients: recipients.map((address) => getAddress(address)),
    ...(input.into === 'treasury' ? { safe: getAddress(safe!) } : {}),
    blockNumber: mined.receipt.blockNumber, auditedOn, transfers,
  };
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
      chain: record.chain, tx_hash: record.txHash, log_index: String(record.logIndex), from: record.from, account: record.account, to: record.recipient,
      ...(record.account === 'treasury' ? { safe: record.recipient } : {}),
      asset: record.asset, amount: record.amountMinor.toString(), transfer: record.transferId,
    }, now),
    ...transferItems(deps.tableName, [{
      kind: 'posted', id: record.transferId, debit: platformAccount(record.account === 'treasury' ? `treasury:${record.chain}` : `hotwallet:${record.chain}`, record.asset),
      credit: platformAccount(`funding:${record.chain}`, record.asset), amountMinor: record.amountMinor, asset: record.asset,
    }], now.toISOString()),
  ];
  try {
    if (auditedOn) {
      await writeAudited(deps, {
        items,
        audit: { merchantId: auditedOn, actor: deps.actor ?? operatorActor, action: 'treasury.funding_booked', object: { type: record.account === 'treasury' ? 'treasury_funding' : 'hot_wallet_funding', id: record.transferId }, at: now },
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
