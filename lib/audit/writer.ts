import { TransactionCanceledException, TransactWriteItemsCommand, type CancellationReason, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { randomInt } from 'node:crypto';
import { ContentionError, withRetryDeadline } from '#platform';
import { correctHead, knownHead, rememberHead } from './heads.js';
import { chainItems, type ChainHead, type LaneRef } from './items.js';
import { readHead } from './reads.js';
import { auditLaneCount, genesisHash, sealRecord, type AuditEntry, type AuditRecord } from './record.js';

/**
 * How long a writer keeps rebuilding before it answers 503 `try_again`, counted from its first send
 * and shared with the client's conflict retry (withRetryDeadline). A time, not a count: every loss
 * means another writer committed, so the lane always progresses. Six seconds stays inside the
 * deployed functions' 10 s timeout.
 */
const rebaseBudgetMs = 6_000;
const rebaseBaseDelayMs = 10;
const rebaseMaxDelayMs = 400;

/** A change and the audit record that says what it was: committed together or not at all. */
export interface AuditedTransaction {
  /**
   * The change's own items. The record's items (docs/audit.md, "Writing") are sent after them, so
   * these keep their indices in a cancellation's reasons.
   */
  items: TransactWriteItem[];
  /** One record per transaction, on the merchant's log. */
  audit: AuditEntry;
  /**
   * When the change's items were built on state it remembered rather than read (the ledger's
   * balance transactions, `ledgerPostings` of #ledger): asked after a cancellation for the items
   * rebuilt on the state DynamoDB returned (undefined: the refusal stands), told when they committed.
   */
  state?: ItemsState;
}

/** See AuditedTransaction.state. */
export interface ItemsState {
  /** Before the first send: the items as they should go (rebuilt on state read now, or as they are). */
  prepare?(deps: { dynamodb: DynamoDBClient }, items: TransactWriteItem[]): Promise<TransactWriteItem[]>;
  rebuild(error: unknown, items: TransactWriteItem[]): Promise<TransactWriteItem[] | undefined>;
  committed(items: readonly TransactWriteItem[]): void;
}

type WriterDeps = { dynamodb: DynamoDBClient; tableName: string };

/**
 * What one DynamoDB client's audited writes share: the lane they extend (picked at random, moved
 * when it keeps losing) and their turns per merchant. A client is made once per Lambda container,
 * so this is the container's writer; tests make a client per simulated container.
 */
interface Writer {
  lane: number;
  turns: Map<string, Promise<unknown>>;
}

const writers = new WeakMap<DynamoDBClient, Writer>();

function writerOf(client: DynamoDBClient): Writer {
  let writer = writers.get(client);
  if (!writer) {
    writer = { lane: randomInt(auditLaneCount), turns: new Map() };
    writers.set(client, writer);
  }
  return writer;
}

/**
 * Sends the change's items and its audit record in one transaction. The record extends the head this
 * container knows of its lane (no read before the write). When the head moved meanwhile (another
 * container wrote the lane: the head's condition failed, and no condition of the change's own
 * items), the record is rebuilt on the current head, which DynamoDB returns with the cancellation,
 * and the transaction sent again at once; a second loss waits (full jitter) and moves this client to
 * another lane, so writers that keep meeting spread out instead of queuing on one head. Past
 * rebaseBudgetMs it gives up with ContentionError (503 `try_again`). Any other refusal is the
 * caller's, thrown as DynamoDB gave it.
 */
export async function writeAudited(deps: WriterDeps, transaction: AuditedTransaction): Promise<void> {
  const writer = writerOf(deps.dynamodb);
  const { merchantId } = transaction.audit;
  await inTurn(writer.turns, `${deps.tableName}\u0000${merchantId}`, async () => {
    const giveUpAt = Date.now() + rebaseBudgetMs;
    let lane = writer.lane;
    let own = (await transaction.state?.prepare?.(deps, transaction.items)) ?? transaction.items;
    for (let attempt = 1; ; attempt += 1) {
      const ref: LaneRef = { tableName: deps.tableName, merchantId, lane };
      const record = nextRecord(transaction.audit, lane, knownHead(ref));
      const items = [...own, ...chainItems(deps.tableName, record)];
      try {
        await deps.dynamodb.send(withRetryDeadline(new TransactWriteItemsCommand({ TransactItems: items }), giveUpAt));
        rememberHead(ref, { seq: record.seq, hash: record.hash });
        transaction.state?.committed(own);
        return;
      } catch (error) {
        const head = movedHead(error, own.length);
        if (!head) {
          // The change's own state moved (another container wrote the same account): rebuilt on
          // what DynamoDB returned, with the head corrected too if it moved as well.
          const rebuilt = await transaction.state?.rebuild(error, own);
          if (!rebuilt) throw error;
          if (Date.now() >= giveUpAt) throw new ContentionError(1, { cause: error });
          const headReason = error instanceof TransactionCanceledException ? error.CancellationReasons?.[own.length + 1] : undefined;
          own = rebuilt;
          if (headReason?.Code === 'ConditionalCheckFailed') correctHead(ref, headFromItem(headReason.Item) ?? (await readHead(deps, merchantId, lane)) ?? genesis);
          continue;
        }
        if (Date.now() >= giveUpAt) throw new ContentionError(1, { cause: error });
        const delay = rebaseDelay(attempt);
        if (delay) {
          // Lost twice on this lane: another writer is busy on it. Wait, then move to another lane,
          // whose head (one consistent read) is as current as a head can be.
          await delay;
          writer.lane = otherLane(writer.lane);
          lane = writer.lane;
          correctHead({ ...ref, lane }, (await readHead(deps, merchantId, lane)) ?? genesis);
        } else {
          correctHead(ref, headFromItem(head.Item) ?? (await readHead(deps, merchantId, lane)) ?? genesis);
        }
      }
    }
  });
}

const genesis: ChainHead = { seq: 0, hash: genesisHash };

function nextRecord(entry: AuditEntry, lane: number, head: ChainHead): AuditRecord {
  return sealRecord({
    merchant_id: entry.merchantId,
    lane,
    seq: head.seq + 1,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    object: entry.object,
    prev_hash: head.hash,
    ...(entry.movements?.length ? { movements: [...entry.movements] } : {}),
  });
}

/**
 * The head's cancellation reason when the transaction lost only on the lane's head: the head item
 * (right after the record, which follows the change's `ownItems` items) failed its condition and none
 * of the change's own items did. The record's and the registry entry's conditions may fail beside
 * the head's (a lane's first record built by a container that had not seen the lane): they are the
 * same loss.
 */
function movedHead(error: unknown, ownItems: number): CancellationReason | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const head = reasons[ownItems + 1];
  if (head?.Code !== 'ConditionalCheckFailed') return undefined;
  if (reasons.slice(0, ownItems).some((reason) => reason.Code === 'ConditionalCheckFailed')) return undefined;
  return head;
}

function headFromItem(item: CancellationReason['Item']): ChainHead | undefined {
  if (!item?.seq?.N || !item.hash?.S) return undefined;
  return { seq: Number(item.seq.N), hash: item.hash.S };
}

/**
 * No wait for the first rebuild (a cold container learning the head); after that, full-jitter backoff,
 * so writers racing on one merchant spread out instead of all rebuilding on the same head again.
 */
function rebaseDelay(attempt: number): Promise<void> | undefined {
  if (attempt < 2) return undefined;
  const ceilingMs = Math.min(rebaseMaxDelayMs, rebaseBaseDelayMs * 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}

/** Any lane but `lane`, at random: where a writer that keeps losing goes next. */
function otherLane(lane: number): number {
  return (lane + 1 + randomInt(auditLaneCount - 1)) % auditLaneCount;
}

/**
 * Runs `run` after every earlier audited transaction of this client on the same merchant: writers of
 * one process (a server, a test, the CLI) queue on a merchant's head instead of all extending the
 * same one and all but one losing. A Lambda container serves one request at a time, so there this
 * never waits; writers in different containers still race, and rebuild as above.
 */
async function inTurn<T>(turns: Map<string, Promise<unknown>>, key: string, run: () => Promise<T>): Promise<T> {
  const result = (turns.get(key) ?? Promise.resolve()).then(run);
  const settled = result.catch(() => undefined);
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return result;
}
