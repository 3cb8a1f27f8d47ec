import { GetItemCommand, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { systemActor, writeAudited } from '#audit';
import { balanceMovements, ledgerPostings, merchantAccount, platformAccount, transferItems, type TransferIntent } from '#ledger';
import { bigintAttribute, conditionFailedAt, newId, readItem } from '#platform';
import { chargeEventItem } from './events.js';
import { chargeDepositItem, depositKey, replaceChargeItem, unconfirmedPartition, unsweptPartition, type ChargeRecord, type WatchedAddress } from './items.js';
import { readChargeRecord } from './query.js';
import { depositStatuses, type Deposit } from './schemas.js';
import { depositCredited, depositReverted, depositSeen, type ChargeChange } from './state.js';

export interface DepositStoreDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  now: () => Date;
}

/** A Transfer log to a watched address, in ledger units. */
export interface SeenTransfer {
  watched: WatchedAddress;
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  amountMinor: bigint;
}

/** The deposit item: the (chain, tx, log index) key makes recording idempotent. */
export interface DepositRecord {
  chain: string;
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  chargeId: string;
  merchantId: string;
  asset: string;
  amountMinor: bigint;
  status: Deposit['status'];
  version: number;
  /** The merchant's id of it (`dep_...`); absent on deposits recorded before it existed, given at their next change. */
  depositId?: string;
  late: boolean;
  confirmations: number;
  createdAt: string;
  /** The sweep that moves it to the hot wallet, once one is planned. */
  sweepId?: string;
}

/** The deposit as merchants see it. */
export function depositView(record: DepositRecord): Deposit {
  return {
    id: record.depositId ?? newId('dep'), chain: record.chain, tx_hash: record.txHash, log_index: record.logIndex,
    block_number: record.blockNumber, block_hash: record.blockHash, amount: record.amountMinor.toString(),
    confirmations: record.confirmations, status: record.status, late: record.late, created_at: record.createdAt,
  };
}

/** The record of `deposit`, which belongs to `owner`'s charge, at `version`. */
function depositRecord(deposit: Deposit, owner: Pick<DepositRecord, 'chargeId' | 'merchantId' | 'asset' | 'sweepId'>, version: number): DepositRecord {
  return {
    chain: deposit.chain, txHash: deposit.tx_hash.toLowerCase(), logIndex: deposit.log_index, blockNumber: deposit.block_number,
    blockHash: deposit.block_hash.toLowerCase(), chargeId: owner.chargeId, merchantId: owner.merchantId, asset: owner.asset,
    amountMinor: BigInt(deposit.amount), status: deposit.status, version, depositId: deposit.id, late: deposit.late,
    confirmations: deposit.confirmations, createdAt: deposit.created_at, ...(owner.sweepId !== undefined ? { sweepId: owner.sweepId } : {}),
  };
}

export function depositItem(record: DepositRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...depositKey(record.chain, record.txHash, record.logIndex),
    entity: { S: 'deposit' },
    chain: { S: record.chain },
    txHash: { S: record.txHash.toLowerCase() },
    logIndex: { N: String(record.logIndex) },
    blockNumber: { N: String(record.blockNumber) },
    blockHash: { S: record.blockHash.toLowerCase() },
    chargeId: { S: record.chargeId },
    merchantId: { S: record.merchantId },
    asset: { S: record.asset },
    amount: { N: record.amountMinor.toString() },
    status: { S: record.status },
    version: { N: String(record.version) },
    late: { BOOL: record.late },
    confirmations: { N: String(record.confirmations) },
    createdAt: { S: record.createdAt },
  };
  if (record.depositId !== undefined) item.depositId = { S: record.depositId };
  // Sparse: deposits not yet final are listed for the confirmation pass; credited ones not yet
  // swept, for the sweep planner.
  if (record.status === 'pending') {
    item.gsi1pk = { S: unconfirmedPartition(record.chain) };
    item.gsi1sk = { S: `${String(record.blockNumber).padStart(12, '0')}#${record.txHash.toLowerCase()}#${record.logIndex}` };
  }
  if (record.status === 'credited' && record.sweepId === undefined) {
    item.gsi1pk = { S: unsweptPartition(record.chain) };
    item.gsi1sk = { S: `${record.chargeId}#${record.txHash.toLowerCase()}#${record.logIndex}` };
  }
  if (record.sweepId !== undefined) item.sweepId = { S: record.sweepId };
  return item;
}

const storedDepositSchema = z.object({
  chain: z.string(), txHash: z.string(), logIndex: z.number(), blockNumber: z.number(),
  blockHash: z.string(), chargeId: z.string(), merchantId: z.string(), asset: z.string(),
  amount: bigintAttribute, status: z.enum(depositStatuses), version: z.number(),
  late: z.boolean().default(false), confirmations: z.number().default(0), createdAt: z.string().default(''),
  depositId: z.string().optional(),
  sweepId: z.string().optional(),
});

export function depositFromItem(item: Record<string, AttributeValue>): DepositRecord {
  const { amount, ...record } = readItem(storedDepositSchema, item);
  return { ...record, amountMinor: amount };
}

export type RecordOutcome = 'recorded' | 'already_recorded';
export type FinalOutcome = 'credited' | 'reverted' | 'already_final';

const maxRaces = 8;

/**
 * Records a transfer to a charge's address once: the deposit item, the charge (deposit listed,
 * status re-derived) and its event in one transaction. Seen again in the same block: nothing to do.
 * Seen again in another block (re-mined after a reorg): the pending record moves to that block, a
 * reverted one comes back to life; a credited one never changes.
 */
export async function recordDeposit(deps: DepositStoreDeps, seen: SeenTransfer): Promise<RecordOutcome> {
  for (let race = 0; race < maxRaces; race += 1) {
    const existing = await readDeposit(deps, seen.watched.chain, seen.txHash, seen.logIndex);
    if (existing && (existing.status === 'credited' || existing.blockHash === seen.blockHash.toLowerCase())) return 'already_recorded';
    const charge = await readChargeRecord(deps, seen.watched.chargeId);
    if (!charge) throw new Error(`deposit address ${seen.watched.address} names charge ${seen.watched.chargeId}, which does not exist`);
    const change = depositSeen(charge, existing && depositView(existing), {
      chain: seen.watched.chain, tx_hash: seen.txHash.toLowerCase(), log_index: seen.logIndex, block_number: seen.blockNumber,
      block_hash: seen.blockHash.toLowerCase(), amount: seen.amountMinor.toString(), confirmations: 0,
    }, newId('dep'), deps.now());
    const owner = { chargeId: charge.charge.id, merchantId: charge.merchantId, asset: charge.charge.asset };
    const record = depositRecord(change.deposit!, owner, (existing?.version ?? 0) + 1);
    if (await commit(deps, charge, change, depositPut(deps.tableName, record, existing), [], depositAction('seen', change))) return 'recorded';
  }
  throw new Error(`could not record deposit ${seen.txHash}:${seen.logIndex} after ${maxRaces} races`);
}

/**
 * Finalises a pending deposit at the chain's confirmation depth. `canonicalHash` is the hash of the
 * block at the deposit's height now: the same as recorded → credited (less the merchant's fee, with
 * the ledger transfers, in one transaction); different → reverted, never credited.
 */
export async function finaliseDeposit(deps: DepositStoreDeps, deposit: DepositRecord, canonicalHash: string | undefined, confirmations: number): Promise<FinalOutcome> {
  for (let race = 0; race < maxRaces; race += 1) {
    const current = await readDeposit(deps, deposit.chain, deposit.txHash, deposit.logIndex);
    if (!current || current.status !== 'pending') return 'already_final';
    const charge = await readChargeRecord(deps, current.chargeId);
    if (!charge) throw new Error(`deposit ${current.txHash}:${current.logIndex} names charge ${current.chargeId}, which does not exist`);
    const now = deps.now();
    const canonical = canonicalHash !== undefined && canonicalHash.toLowerCase() === current.blockHash;
    const change = canonical
      ? depositCredited(charge, depositView(current), confirmations, charge.feeTerms, now)
      : depositReverted(charge, depositView(current), now);
    const next = depositRecord(change.deposit!, current, current.version + 1);
    const transfers = canonical ? creditTransfers(current, change.feeMinor) : [];
    const action = depositAction(canonical ? 'credited' : 'reverted', change);
    if (await commit(deps, charge, change, depositPut(deps.tableName, next, current), transfers, action)) return canonical ? 'credited' : 'reverted';
  }
  throw new Error(`could not finalise deposit ${deposit.txHash}:${deposit.logIndex} after ${maxRaces} races`);
}

/**
 * What arrived sits at the deposit address: the chain's deposits account is debited (an asset the
 * platform holds) and the merchant credited, the fee going to the platform's fees account.
 */
export function creditTransfers(deposit: DepositRecord, feeMinor: bigint): TransferIntent[] {
  const id = depositTransferId(deposit);
  const source = platformAccount(`deposits:${deposit.chain}`, deposit.asset);
  const transfers: TransferIntent[] = [];
  const net = deposit.amountMinor - feeMinor;
  // The merchant's balance transaction: the charge's deposit, its fee beside it (the fee never reaches the balance).
  const memo = { type: 'charge' as const, source: deposit.chargeId, chain: deposit.chain, txHash: deposit.txHash.toLowerCase(), feeMinor };
  if (net > 0n) transfers.push({ kind: 'posted', id, debit: source, credit: merchantAccount(deposit.merchantId, deposit.asset), amountMinor: net, asset: deposit.asset, memo });
  if (feeMinor > 0n) transfers.push({ kind: 'posted', id: `${id}_fee`, debit: source, credit: platformAccount('fees', deposit.asset), amountMinor: feeMinor, asset: deposit.asset, rootId: id });
  return transfers;
}

export function depositTransferId(deposit: Pick<DepositRecord, 'chain' | 'txHash' | 'logIndex'>): string {
  return `trf_deposit_${deposit.chain}_${deposit.txHash.toLowerCase()}_${deposit.logIndex}`;
}

function depositPut(tableName: string, record: DepositRecord, previous: DepositRecord | undefined): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: depositItem(record),
      ConditionExpression: previous ? 'version = :v' : 'attribute_not_exists(pk)',
      ...(previous ? { ExpressionAttributeValues: { ':v': { N: String(previous.version) } } } : {}),
    },
  };
}

/**
 * The audit action of a deposit's step on its charge: `charge.deposit_seen|credited|reverted`, and
 * `charge.late_deposit_seen|credited` for money that reached a charge already closed (flagged `late`).
 */
export function depositAction(step: 'seen' | 'credited' | 'reverted', change: ChargeChange): string {
  const late = step !== 'reverted' && change.deposit?.late === true;
  return `charge.${late ? 'late_' : ''}deposit_${step}`;
}

/**
 * One transaction: charge (versioned), deposit (versioned), the merchant's copy of the deposit beside
 * its charge, event, ledger, audit record. False when another writer came first.
 */
async function commit(deps: DepositStoreDeps, charge: ChargeRecord, change: ChargeChange, deposit: TransactWriteItem, transfers: TransferIntent[], action: string): Promise<boolean> {
  const now = deps.now();
  const items: TransactWriteItem[] = [
    replaceChargeItem(deps.tableName, { ...charge, charge: change.charge, lateDeposits: change.lateDeposits, version: charge.version + 1 }, charge.version),
    deposit,
    { Put: { TableName: deps.tableName, Item: chargeDepositItem(charge.charge.id, change.deposit!) } },
    ...(change.event ? [chargeEventItem(deps.tableName, charge.merchantId, change.event, change.charge, now).item] : []),
    ...transferItems(deps.tableName, transfers, now.toISOString()),
  ];
  try {
    // The chain watcher moves the merchant's charge and money on its own: actor `system`.
    await writeAudited(deps, { items, state: ledgerPostings, audit: { merchantId: charge.merchantId, actor: systemActor, action, object: { type: 'charge', id: charge.charge.id }, at: now, movements: balanceMovements(transfers) } });
    return true;
  } catch (error) {
    // The charge or the deposit changed since they were read (another watcher, the expiry sweep): read again.
    if (conditionFailedAt(error, 0) || conditionFailedAt(error, 1)) return false;
    throw error;
  }
}

export async function readDeposit(deps: DepositStoreDeps, chain: string, txHash: string, logIndex: number): Promise<DepositRecord | undefined> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: depositKey(chain, txHash, logIndex), ConsistentRead: true }))).Item;
  return item ? depositFromItem(item) : undefined;
}
