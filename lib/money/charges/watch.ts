import { GetItemCommand, paginateQuery, PutItemCommand, ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { id as topicOf, getAddress, type Log } from 'ethers';
import type { Chain, ChainRegistry, FailoverRpc } from '#chains';
import { ledgerDecimals } from '#ledger';
import { depositFromItem, finaliseDeposit, recordDeposit, type DepositRecord, type SeenTransfer } from './deposits.js';
import { recordDust, type DustBatch } from './dust.js';
import { cursorKey, unconfirmedPartition, type WatchedAddress } from './items.js';
import { isTransient, setAside, unbookableDeposit, unbookableDust, type Unbookable } from './set-aside.js';
import { lookupWatched } from './watched.js';

export const transferTopic = topicOf('Transfer(address,address,uint256)');

export interface WatchDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  chains: ChainRegistry;
  /** The chain's RPC with failover and circuit breaker (lib/chains/rpc.ts), one per chain per container. */
  rpc(chain: string): FailoverRpc;
  now: () => Date;
  /** Most blocks one eth_getLogs call covers (providers cap ranges). */
  maxBlocksPerQuery: number;
  /** Where a chain without a cursor starts: this many blocks below the head. */
  initialLookbackBlocks: number;
  /** Test hook: called after each deposit is recorded, before the cursor moves (crash injection). */
  afterRecord?: (seen: { txHash: string; logIndex: number }) => Promise<void> | void;
  /** Reports each log set aside (the function turns it into a log line; the alert is the platform event). */
  onSetAside?: (log: Unbookable, error: unknown) => void;
}

export interface WatchReport {
  chain: string;
  fromBlock: number;
  toBlock: number;
  head: number;
  /** Blocks the head was ahead of what earlier passes had scanned when this pass started (the chain-watch-lag SLI). */
  lagBlocks: number;
  logs: number;
  matched: number;
  recorded: number;
  /** Transfers below their charge's minimum deposit, counted as dust (not credited). */
  dust: number;
  /** Deposits and dust batches that could not be booked, set aside with an alert (new this pass). */
  setAside: number;
  credited: number;
  reverted: number;
}

/**
 * One pass of the watcher over a chain: scan the token Transfer logs from the stored cursor to the
 * head (one eth_getLogs per range, every token at once), look the recipients up among the deposit
 * addresses, record each match once, move the cursor; then finalise the deposits that reached the
 * confirmation depth, re-checking their block hash. RPC calls and reads depend on the blocks and
 * transfers scanned and the blocks holding deposits, never on how many charges are open.
 */
export async function watchChain(deps: WatchDeps, chainName: string): Promise<WatchReport> {
  const chain = deps.chains.get(chainName);
  if (!chain) throw new Error(`chain ${chainName} is not in the registry`);
  const rpc = deps.rpc(chainName);
  const head = await rpc.call((p) => p.getBlockNumber());
  const cursor = await readCursor(deps, chainName);
  const required = Math.max(chain.confirmations, 1);
  // The last `required` blocks scanned before may have been replaced by a reorg since: scan them again
  // (recording is idempotent), so a transaction re-mined in a new block is seen there.
  const next = cursor ?? Math.max(0, head - deps.initialLookbackBlocks);
  const fromBlock = Math.max(0, Math.min(next, head + 1) - required);
  const report: WatchReport = { chain: chainName, fromBlock, toBlock: head, head, lagBlocks: cursor === undefined ? 0 : Math.max(0, head + 1 - cursor), logs: 0, matched: 0, recorded: 0, dust: 0, setAside: 0, credited: 0, reverted: 0 };
  if (fromBlock <= head) {
    const tokens = payInTokens(chain);
    for (let start = fromBlock; start <= head; start += deps.maxBlocksPerQuery) {
      const end = Math.min(head, start + deps.maxBlocksPerQuery - 1);
      const logs = await rpc.call((p) => p.getLogs({ address: tokens.map((t) => t.address), topics: [transferTopic], fromBlock: start, toBlock: end }));
      report.logs += logs.length;
      const watched = await lookupWatched(deps, chainName, logs.flatMap((log) => recipientOf(log) ?? []));
      const { deposits, dust } = sortMatches(chain, logs, watched);
      report.matched += deposits.length;
      for (const seen of deposits) {
        const booked = await bookOrSetAside(deps, report, unbookableDeposit(seen), () => recordDeposit(deps, seen));
        if (booked === 'recorded') report.recorded += 1;
        await deps.afterRecord?.({ txHash: seen.txHash, logIndex: seen.logIndex });
      }
      for (const batch of dust) {
        report.dust += batch.count;
        await bookOrSetAside(deps, report, unbookableDust(batch), () => recordDust(deps, batch));
      }
      await saveCursor(deps, chainName, end + 1);
    }
  }
  const finals = await finalisePending(deps, chain, rpc, head);
  report.credited = finals.credited;
  report.reverted = finals.reverted;
  return report;
}

/** Tokens of the chain that take pay-ins, with the factor from token units down to ledger units. */
function payInTokens(chain: Chain) {
  return chain.assets.flatMap((asset) => {
    const decimals = ledgerDecimals[asset.symbol];
    if (asset.address === 'native' || decimals === undefined) return [];
    return [{ symbol: asset.symbol, address: getAddress(asset.address), scale: 10n ** BigInt(asset.decimals - decimals) }];
  });
}

/**
 * The range's matches: transfers at or above their charge's minimum deposit, one by one, and the
 * rest as dust, one batch per block and address (however many transfers it holds).
 */
export function sortMatches(chain: Chain, logs: readonly Parameters<typeof matchLog>[1][], watched: Map<string, WatchedAddress>): { deposits: SeenTransfer[]; dust: DustBatch[] } {
  const deposits: SeenTransfer[] = [];
  const dust = new Map<string, DustBatch>();
  for (const log of logs) {
    const seen = matchLog(chain, log, watched);
    if (!seen) continue;
    if (seen.amountMinor >= seen.watched.minDepositMinor && seen.amountMinor > 0n) {
      deposits.push(seen);
      continue;
    }
    const key = `${seen.blockHash.toLowerCase()}#${seen.watched.address}`;
    const batch = dust.get(key) ?? { watched: seen.watched, blockNumber: seen.blockNumber, blockHash: seen.blockHash.toLowerCase(), count: 0, amountMinor: 0n };
    batch.count += 1;
    batch.amountMinor += seen.amountMinor;
    dust.set(key, batch);
  }
  return { deposits, dust: [...dust.values()] };
}

/**
 * Books one match; one that cannot be booked (anything but a dependency being down) is set aside
 * with an alert, so a single log never stops the chain's watcher and the cursor moves on.
 */
async function bookOrSetAside<T>(deps: WatchDeps, report: WatchReport, log: Unbookable, book: () => Promise<T>): Promise<T | 'set_aside'> {
  try {
    return await book();
  } catch (error) {
    if (isTransient(error)) throw error;
    if ((await setAside(deps, log, error)) === 'set_aside') {
      report.setAside += 1;
      deps.onSetAside?.(log, error);
    }
    return 'set_aside';
  }
}

/** The recipient of a Transfer log (lowercase), if it is one. */
function recipientOf(log: Pick<Log, 'topics' | 'removed'>): string | undefined {
  if (log.removed || log.topics.length !== 3 || log.topics[0] !== transferTopic) return undefined;
  return `0x${log.topics[2]!.slice(26)}`.toLowerCase();
}

/** A Transfer log to a watched address, in ledger units (a transfer below one ledger unit counts as 0: dust). */
export function matchLog(chain: Chain, log: Pick<Log, 'address' | 'topics' | 'data' | 'transactionHash' | 'index' | 'blockNumber' | 'blockHash' | 'removed'>, watched: Map<string, WatchedAddress>) {
  const to = recipientOf(log);
  const target = to === undefined ? undefined : watched.get(to);
  if (!target) return undefined;
  const token = payInTokens(chain).find((t) => t.address.toLowerCase() === log.address.toLowerCase() && t.symbol === target.asset);
  if (!token) return undefined;
  const amountMinor = BigInt(log.data) / token.scale;
  return { watched: target, txHash: log.transactionHash, logIndex: log.index, blockNumber: log.blockNumber, blockHash: log.blockHash, amountMinor };
}

/** Deposits at the confirmation depth: one block-hash read per block holding any, whatever the charges. */
async function finalisePending(deps: WatchDeps, chain: Chain, rpc: FailoverRpc, head: number): Promise<{ credited: number; reverted: number }> {
  const required = Math.max(chain.confirmations, 1);
  const due: DepositRecord[] = [];
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :below',
    ExpressionAttributeValues: { ':p': { S: unconfirmedPartition(chain.name) }, ':below': { S: String(head - required + 2).padStart(12, '0') } },
  });
  for await (const page of pages) due.push(...(page.Items ?? []).map(depositFromItem));
  const hashes = new Map<number, string | undefined>();
  let credited = 0;
  let reverted = 0;
  for (const deposit of due) {
    if (!hashes.has(deposit.blockNumber)) {
      const block = await rpc.call((p) => p.getBlock(deposit.blockNumber));
      hashes.set(deposit.blockNumber, block?.hash?.toLowerCase() ?? undefined);
    }
    const outcome = await finaliseDeposit(deps, deposit, hashes.get(deposit.blockNumber), head - deposit.blockNumber + 1);
    if (outcome === 'credited') credited += 1;
    if (outcome === 'reverted') reverted += 1;
  }
  return { credited, reverted };
}

async function readCursor(deps: Pick<WatchDeps, 'dynamodb' | 'tableName'>, chain: string): Promise<number | undefined> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: cursorKey(chain), ConsistentRead: true }))).Item;
  return item?.nextBlock?.N === undefined ? undefined : Number(item.nextBlock.N);
}

/**
 * Moves the cursor forward only (conditional update), so two overlapping passes never move it
 * backwards; whatever the slower one recorded was idempotent.
 */
async function saveCursor(deps: Pick<WatchDeps, 'dynamodb' | 'tableName'>, chain: string, nextBlock: number): Promise<void> {
  try {
    await deps.dynamodb.send(new PutItemCommand({
      TableName: deps.tableName,
      Item: { ...cursorKey(chain), entity: { S: 'chain-cursor' }, chain: { S: chain }, nextBlock: { N: String(nextBlock) } },
      ConditionExpression: 'attribute_not_exists(pk) OR nextBlock < :next',
      ExpressionAttributeValues: { ':next': { N: String(nextBlock) } },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
