import { GetItemCommand, TransactionCanceledException, type AttributeValue, type DynamoDBClient, type TransactWriteItem, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { LanepayError } from '../errors/index.js';
import { chainItems, correctHead, knownHead, rememberHead, type ChainHead } from './items.js';
import { auditHeadKey, genesisHash, sealRecord, type AuditRecordBody } from './record.js';

/** Rebuilds in all; every loss means another writer committed, so the chain itself always progresses. */
const maxRebases = 12;
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
    const registryIndex = items[index + 2]?.Put?.Item?.entity?.S === 'audit-merchant' ? index + 2 : undefined;
    slots.push({ recordIndex: index, headIndex, tableName: item.Put.TableName!, body, ...(registryIndex === undefined ? {} : { registryIndex }) });
  });
  return slots;
}

function headFromItem(item: Record<string, AttributeValue> | undefined): ChainHead | undefined {
  if (!item?.seq?.N || !item.hash?.S) return undefined;
  return { seq: Number(item.seq.N), hash: item.hash.S };
}

/**
 * Keeps the audit chain's head cache honest below every caller, as the conflict retry does for
 * conflicts: when a transaction was cancelled because an audit head moved (another container
 * wrote for the same merchant), the record is rebuilt on the current head (returned by DynamoDB
 * with the cancellation) and the same transaction is sent again, items in the same positions. On
 * success the new heads are remembered, so the next write needs no read. Outside the conflict retry
 * (priority high), so a conflict resends the rebuilt transaction, not the stale one.
 */
export function retryStaleAuditHeads<C extends DynamoDBClient>(client: C): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      let input = args.input as TransactWriteItemsCommandInput;
      for (let attempt = 1; ; attempt += 1) {
        const items = input.TransactItems ?? [];
        const slots = auditSlots(items);
        try {
          const output = await next({ ...args, input });
          for (const slot of slots) rememberHead(slot.tableName, slot.body.merchant_id, { seq: slot.body.seq, hash: sealRecord(slot.body).hash });
          return output;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException) || slots.length === 0) throw error;
          const reasons = error.CancellationReasons ?? [];
          const stale = slots.filter((slot) => reasons[slot.headIndex]?.Code === 'ConditionalCheckFailed');
          if (stale.length === 0) throw error;
          if (attempt >= maxRebases) throw new LanepayError('concurrent_change', 'The audit log of this merchant kept moving while this request ran; send it again.', { cause: error });
          for (const slot of stale) {
            const head = headFromItem(reasons[slot.headIndex]?.Item) ?? (await readHead(client, slot)) ?? { seq: 0, hash: genesisHash };
            // Behind what this record extended: the table was restored or recreated, the cache is wrong.
            if (head.seq < slot.body.seq - 1) correctHead(slot.tableName, slot.body.merchant_id, head);
            else rememberHead(slot.tableName, slot.body.merchant_id, head);
          }
          await rebaseDelay(attempt);
          const rebuilt = [...items];
          // Last slot first, so a registry item added or dropped does not move the slots before it.
          for (const slot of [...stale].sort((a, b) => b.recordIndex - a.recordIndex)) {
            // After the wait, the head another writer of this container committed meanwhile, if any.
            const head = knownHead(slot.tableName, slot.body.merchant_id);
            const fresh = chainItems(slot.tableName, sealRecord({ ...slot.body, seq: head.seq + 1, prev_hash: head.hash }));
            rebuilt.splice(slot.recordIndex, slot.registryIndex === undefined ? 2 : 3, ...fresh);
          }
          input = { ...input, TransactItems: rebuilt };
        }
      }
    },
    { step: 'initialize', priority: 'high', name: 'lanepayAuditHeadRebase', override: true },
  );
  return client;
}

/** Only when the cancellation did not carry the head (it does on DynamoDB): a consistent read of it. */
async function readHead(client: DynamoDBClient, slot: AuditSlot): Promise<ChainHead | undefined> {
  const result = await client.send(new GetItemCommand({ TableName: slot.tableName, Key: auditHeadKey(slot.body.merchant_id), ConsistentRead: true }));
  return headFromItem(result.Item);
}
