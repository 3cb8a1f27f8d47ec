import { TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { BroadcastResult, ChainAdapter, Receipt, SignedTransaction } from '../chains/adapter.js';
import { BroadcastRefusedError, ChainUnavailableError } from '../chains/errors.js';
import { isTransportError } from '../chains/rpc.js';
import type { PayoutDeps } from './deps.js';
import { feesToItem, payoutItem, type Payout } from './items.js';
import { platformEventItem } from './platform-events.js';

/** After a broadcast: `stuck` when the nonce turned out to be mined by a transaction we did not sign. */
export type BroadcastOutcome = 'sent' | 'stuck';

/**
 * The adapter that signs for a payout: the key its nonce belongs to, whatever the chain's hot
 * wallet is now. Payouts recorded before keys were recorded fall back to the registry's key.
 */
export function payoutAdapter(deps: Pick<PayoutDeps, 'adapter'>, payout: Pick<Payout, 'chain' | 'keyId'>): ChainAdapter {
  const adapter = deps.adapter(payout.chain);
  return payout.keyId ? adapter.withKey(payout.keyId) : adapter;
}

/**
 * Sends signed bytes. Unreachable node, underpriced or short of funds: the check retries later,
 * the record is what matters. A refusal for good (the node will never mine these bytes, e.g. too
 * little gas): the nonce is filled with a zero-value self-transfer so later nonces are not stuck,
 * and the payment fails once the fill is mined. Nonce already mined: resolved from our receipts.
 */
export async function broadcastQuietly(deps: PayoutDeps, payout: Payout, signed: Pick<SignedTransaction, 'raw'>): Promise<BroadcastOutcome> {
  let answer: BroadcastResult | unknown;
  try {
    answer = await payoutAdapter(deps, payout).broadcast(signed.raw);
  } catch (error) {
    answer = error;
  }
  return afterBroadcast(deps, payout, answer);
}

/**
 * broadcastQuietly for a batch's payouts, signed for consecutive nonces of one wallet: sent in one
 * request the node takes in nonce order, then each answer handled as broadcastQuietly does.
 */
export async function broadcastBatchQuietly(deps: PayoutDeps, payouts: Payout[], raws: string[]): Promise<BroadcastOutcome[]> {
  if (payouts.length === 0) return [];
  let answers: Array<BroadcastResult | unknown>;
  try {
    answers = await payoutAdapter(deps, payouts[0]!).broadcastInOrder(raws);
  } catch (error) {
    answers = raws.map(() => error);
  }
  const outcomes: BroadcastOutcome[] = [];
  for (const [i, payout] of payouts.entries()) outcomes.push(await afterBroadcast(deps, payout, answers[i]));
  return outcomes;
}

async function afterBroadcast(deps: PayoutDeps, payout: Payout, answer: BroadcastResult | unknown): Promise<BroadcastOutcome> {
  if (typeof answer === 'string') return answer === 'nonce_used' ? resolveUsedNonce(deps, payout) : 'sent';
  if (isTransportError(answer) || answer instanceof ChainUnavailableError) {
    deps.signal({ kind: 'chain_unavailable', chain: payout.chain });
    return 'sent';
  }
  if (!(answer instanceof BroadcastRefusedError)) throw answer;
  if (payout.attempts.at(-1)?.kind === 'fill') throw answer; // a fill refused for good needs an operator (dead-letter queue)
  return fillNonce(deps, payout);
}

export async function rebroadcast(deps: PayoutDeps, payout: Payout): Promise<BroadcastOutcome> {
  const latest = payout.attempts.at(-1);
  if (!latest) return 'sent';
  deps.signal({ kind: 'rebroadcast', chain: payout.chain, paymentId: payout.paymentId });
  return broadcastQuietly(deps, payout, latest);
}

/** Any attempt for the nonce may be the one mined, not necessarily the latest. */
export async function firstReceipt(deps: PayoutDeps, payout: Payout): Promise<{ receipt: Receipt; kind: 'payout' | 'fill' } | undefined> {
  const adapter = deps.adapter(payout.chain);
  for (const attempt of [...payout.attempts].reverse()) {
    const receipt = await adapter.receipt(attempt.hash);
    if (receipt) return { receipt, kind: attempt.kind };
  }
  return undefined;
}

async function fillNonce(deps: PayoutDeps, payout: Payout): Promise<BroadcastOutcome> {
  const adapter = payoutAdapter(deps, payout);
  const fill = await adapter.signNonceFill(payout.nonce!, await adapter.quoteFees());
  const next: Payout = {
    ...payout,
    attempts: [...payout.attempts, { kind: 'fill', hash: fill.hash, raw: fill.raw, fees: feesToItem(fill.fees), atMs: deps.now().getTime() }],
    version: payout.version + 1,
  };
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: deps.tableName, Item: payoutItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(payout.version) } } } }],
    }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) return 'sent'; // another delivery is handling it
    throw error;
  }
  return broadcastQuietly(deps, next, fill);
}

/**
 * The node says the nonce is mined. If one of our recorded transactions for it has a receipt, it
 * is ours and the check confirms it. Otherwise a transaction Lanepay never recorded took the
 * nonce (the key signed something else): re-broadcasting can never succeed, so the payout stops.
 */
async function resolveUsedNonce(deps: PayoutDeps, payout: Payout): Promise<BroadcastOutcome> {
  if (await firstReceipt(deps, payout)) return 'sent';
  await markStuck(deps, payout, 'nonce_used_by_unrecorded_transaction');
  return 'stuck';
}

/**
 * Stuck: no more broadcasts, no more checks; the payment stays processing and its reservation of
 * the wallet's balance stays (the money may still be there or may be gone: an operator decides).
 * The operator's `payout.stuck` event is written with the record (outbox).
 */
async function markStuck(deps: PayoutDeps, payout: Payout, reason: string): Promise<void> {
  const stuck: Payout = { ...payout, status: 'stuck', stuckReason: reason, version: payout.version + 1 };
  const event = platformEventItem(deps.tableName, 'payout.stuck', {
    payment_id: payout.paymentId, chain: payout.chain, wallet: payout.wallet, nonce: String(payout.nonce), reason,
    transactions: payout.attempts.map((a) => a.hash).join(','),
  }, deps.now());
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: deps.tableName, Item: payoutItem(stuck), ConditionExpression: 'version = :v AND #status = :pending', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':v': { N: String(payout.version) }, ':pending': { S: 'pending' } } } },
        event,
      ],
    }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) return; // another delivery changed it first; it looks again
    throw error;
  }
  deps.signal({ kind: 'payout_stuck', chain: payout.chain, paymentId: payout.paymentId, wallet: payout.wallet, nonce: payout.nonce!, reason });
}
