import { GetItemCommand, TransactionCanceledException, type AttributeValue, type DynamoDBClient, type TransactWriteItem, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { randomInt } from 'node:crypto';
import { retryDeadline } from '../aws/retry-deadline.js';
import { ContentionError } from '../errors/index.js';
import { chainItems, correctHead, knownHead, rememberHead, type ChainHead, type LaneRef } from './items.js';
import { auditHeadKey, auditLaneCount, genesisHash, sealRecord, type AuditRecordBody } from './record.js';

/**
 * How long a writer keeps rebuilding before it answers 503 `try_again`, counted from the first send
 * and shared with the conflict retry below (retryDeadline). A time, not a count: every loss means
 * another writer committed, so the lane always progresses. Six seconds stays inside the deployed
 * functions' 10 s timeout.
 */
const rebaseBudgetMs = 6_000;
const rebaseBaseDelayMs = 10;
const rebaseMaxDelayMs = 400;

/**
 * No wait for the first rebuild (a cold container learning the head); after that, full-jitter backoff,
 * so writers racing on one merchant spread out instead of all rebuilding on the same head again.
 */
function rebaseDelay(attempt: number): Promise<void> | undefined {
  if (attempt < 2) return undefined;
  const ceilingMs = Math.min(rebaseMaxDelayMs, rebaseBaseDelayMs * 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}

/** Where one merchant's audit items sit in a transaction. */
interface AuditSlot {
  recordIndex: number;
  headIndex: number;
  registryIndex?: number;
  tableName: string;
  body: AuditRecordBody;
}

function auditSlots(items: TransactWriteItem[]): AuditSlot[] {
  const slots: AuditSlot[] = [];
  items.forEach((item, index) => {
    if (item.Put?.Item?.entity?.S !== 'audit-record') return;
    const body = JSON.parse(item.Put.Item.body!.S!) as AuditRecordBody;
    const headIndex = index + 1;
    const registryIndex = items[index + 2]?.Put?.Item?.entity?.S === 'audit-chain' ? index + 2 : undefined;
    slots.push({ recordIndex: index, headIndex, tableName: item.Put.TableName!, body, ...(registryIndex === undefined ? {} : { registryIndex }) });
  });
  return slots;
}

function laneOf(slot: AuditSlot, lane = slot.body.lane): LaneRef {
  return { tableName: slot.tableName, merchantId: slot.body.merchant_id, lane };
}

function headFromItem(item: Record<string, AttributeValue> | undefined): ChainHead | undefined {
  if (!item?.seq?.N || !item.hash?.S) return undefined;
  return { seq: Number(item.seq.N), hash: item.hash.S };
}

/** Any lane but `lane`, at random: where a writer that keeps losing goes next. */
function otherLane(lane: number): number {
  return (lane + 1 + randomInt(auditLaneCount - 1)) % auditLaneCount;
}

/**
 * Keeps the audit chains' head cache honest below every caller, as the conflict retry does for
 * conflicts. Each client writes one lane of each merchant's log (picked at random when the client is
 * made: one per container); the records a transaction carries are moved onto it before sending. When
 * a transaction was cancelled because a lane's head moved (another container wrote the same lane),
 * the record is rebuilt on the current head (returned by DynamoDB with the cancellation) and the
 * same transaction is sent again, items in the same positions; if it loses again, the client moves
 * to another lane after a jittered wait, so writers that keep meeting spread out instead of queuing
 * on one head. On success the new heads are remembered, so the next write needs no read. Outside
 * the conflict retry (priority high), so a conflict resends the rebuilt transaction, not the stale one.
 */
export function retryStaleAuditHeads<C extends DynamoDBClient>(client: C): C {
  const queues = new Map<string, Promise<unknown>>();
  let lane = randomInt(auditLaneCount);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      const merchants = [...new Set(auditSlots((args.input as TransactWriteItemsCommandInput).TransactItems ?? []).map((slot) => `${slot.tableName}\u0000${slot.body.merchant_id}`))].sort();
      if (merchants.length === 0) return next(args);
      return inTurn(queues, merchants, async () => {
        // Built on lane 0 and before its turn came: this client's lane, on the head the writers ahead of it left.
        let input = withRecordsOn(args.input as TransactWriteItemsCommandInput, lane);
        const giveUpAt = retryDeadline(context, rebaseBudgetMs);
        for (let attempt = 1; ; attempt += 1) {
          const items = input.TransactItems ?? [];
          const slots = auditSlots(items);
          try {
            const output = await next({ ...args, input });
            for (const slot of slots) rememberHead(laneOf(slot), { seq: slot.body.seq, hash: sealRecord(slot.body).hash });
            return output;
          } catch (error) {
            if (!(error instanceof TransactionCanceledException) || slots.length === 0) throw error;
            const reasons = error.CancellationReasons ?? [];
            const stale = slots.filter((slot) => reasons[slot.headIndex]?.Code === 'ConditionalCheckFailed');
            if (stale.length === 0) throw error;
            if (Date.now() >= giveUpAt) throw new ContentionError(1, { cause: error });
            const delay = rebaseDelay(attempt);
            if (delay) {
              // Lost twice on this lane: another writer is busy on it. Wait, then move to another
              // lane, whose head (one consistent read) is as current as a head can be.
              await delay;
              lane = otherLane(lane);
              for (const slot of stale) correctHead(laneOf(slot, lane), (await readHead(client, laneOf(slot, lane))) ?? genesis);
            } else {
              for (const slot of stale) correctHead(laneOf(slot), headFromItem(reasons[slot.headIndex]?.Item) ?? (await readHead(client, laneOf(slot))) ?? genesis);
            }
            input = { ...input, TransactItems: moved(items, stale, (slot) => (delay ? lane : slot.body.lane)) };
          }
        }
      });
    },
    { step: 'initialize', priority: 'high', name: 'lanepayAuditHeadRebase', override: true },
  );
  return client;
}

const genesis: ChainHead = { seq: 0, hash: genesisHash };

/** The items with each slot's record rebuilt on the known head of the lane `laneFor` gives it. */
function moved(items: TransactWriteItem[], slots: AuditSlot[], laneFor: (slot: AuditSlot) => number): TransactWriteItem[] {
  const rebuilt = [...items];
  // Last slot first, so a registry item added or dropped does not move the slots before it.
  for (const slot of [...slots].sort((a, b) => b.recordIndex - a.recordIndex)) {
    const lane = laneFor(slot);
    const head = knownHead(laneOf(slot, lane));
    const fresh = chainItems(slot.tableName, sealRecord({ ...slot.body, lane, seq: head.seq + 1, prev_hash: head.hash }));
    rebuilt.splice(slot.recordIndex, slot.registryIndex === undefined ? 2 : 3, ...fresh);
  }
  return rebuilt;
}

function withRecordsOn(input: TransactWriteItemsCommandInput, lane: number): TransactWriteItemsCommandInput {
  const items = input.TransactItems ?? [];
  const misplaced = auditSlots(items).filter((slot) => {
    const head = knownHead(laneOf(slot, lane));
    return slot.body.lane !== lane || slot.body.seq !== head.seq + 1 || slot.body.prev_hash !== head.hash;
  });
  return misplaced.length === 0 ? input : { ...input, TransactItems: moved(items, misplaced, () => lane) };
}

/**
 * Runs `run` after every earlier audited transaction of this client on the same merchants: writers
 * of one process (a server, a test, the CLI) queue on a merchant's head instead of all extending the
 * same one and all but one losing. A Lambda container serves one request at a time, so there this
 * never waits; writers in different containers still race, and rebuild as above.
 */
async function inTurn<T>(queues: Map<string, Promise<unknown>>, keys: string[], run: () => Promise<T>): Promise<T> {
  const before = keys.map((key) => queues.get(key) ?? Promise.resolve());
  const result = Promise.allSettled(before).then(run);
  const settled = result.catch(() => undefined);
  for (const key of keys) queues.set(key, settled);
  void settled.then(() => {
    for (const key of keys) if (queues.get(key) === settled) queues.delete(key);
  });
  return result;
}

/** The lane's head as it is now: after a wait, or when the cancellation did not carry it (it does on DynamoDB). */
async function readHead(client: DynamoDBClient, ref: LaneRef): Promise<ChainHead | undefined> {
  const result = await client.send(new GetItemCommand({ TableName: ref.tableName, Key: auditHeadKey(ref.merchantId, ref.lane), ConsistentRead: true }));
  return headFromItem(result.Item);
}
