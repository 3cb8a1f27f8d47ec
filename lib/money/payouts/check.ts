import { TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { Transaction } from 'ethers';
import { ChainUnavailableError, type ChainAdapter } from '#chains';
import { toChainUnits } from '#ledger';
import { logger } from '#platform';
import { paymentKey, recordFromItem } from '../payments/items.js';
import { payoutAddress, type Payment } from '../payments/schemas.js';
import { scheduleChecks } from './schedule-check.js';
import { completePayout, failPayout, readPaymentRecord } from './complete.js';
import type { PayoutDeps } from './deps.js';
import { firstReceipt, payoutAdapter, rebroadcast } from './broadcast.js';
import { feesFromItem, feesToItem, isWaiting, payoutFromItem, payoutItem, payoutKey, type Payout } from './items.js';
import { keyString, readItems } from './reads.js';
import { submitPayouts } from './submit.js';

export type CheckOutcome = 'succeeded' | 'failed' | 'confirming' | 'waiting' | 'replaced' | 'rebroadcast' | 'chain_unavailable' | 'stuck' | 'final';
/** Per payout of a batch: its outcome, or the error that makes its message fail (and be redelivered). */
export type CheckResult = { paymentId: string; outcome: CheckOutcome } | { paymentId: string; error: unknown };

/** What a look at a pending payout decided: settle it (in the settling pass), or this outcome and maybe another look later. */
type Decision = { kind: 'settle'; succeeded: boolean; hash: string; block: number; confirmations: number; failureCode: string } | { kind: 'done'; outcome: CheckOutcome; again: boolean };

/** checkPayouts for one payout; its error is thrown. */
export async function checkPayout(deps: PayoutDeps, paymentId: string): Promise<CheckOutcome> {
  const [result] = await checkPayouts(deps, [paymentId]);
  if ('error' in result!) throw result.error;
  return result!.outcome;
}

/**
 * Looks at a batch of payouts, driven by delayed messages: confirmed after the chain's
 * confirmations, re-broadcast if the node forgot it, replaced with a higher fee (same nonce) when
 * stuck past the deadline, retried when the hot wallet was short of funds. An unreachable chain
 * only delays. One read of every payout; the waiting ones are submitted again as one batch; the
 * pending ones are looked at in parallel against one head block per chain, then settled one
 * wallet at a time (each settlement releases its reservation on the WALLET item, which parallel
 * settlements would fight over); every next look goes out in SendMessageBatch calls.
 */
export async function checkPayouts(deps: PayoutDeps, paymentIds: string[]): Promise<CheckResult[]> {
  const ids = [...new Set(paymentIds)];
  const items = await readItems(deps, ids.map(payoutKey));
  const results = new Map<string, CheckResult>();
  const waiting: Payout[] = [];
  const pending: Payout[] = [];
  for (const paymentId of ids) {
    const row = items.get(keyString(payoutKey(paymentId)));
    const payout = row ? payoutFromItem(row) : undefined;
    if (!payout || payout.status === 'succeeded' || payout.status === 'failed') results.set(paymentId, { paymentId, outcome: 'final' });
    // Stuck: an operator decides; no check is scheduled, so the loop ends here.
    else if (payout.status === 'stuck') results.set(paymentId, { paymentId, outcome: 'stuck' });
    else if (isWaiting(payout.status)) waiting.push(payout);
    else pending.push(payout);
  }
  for (const result of await resubmit(deps, waiting)) results.set(result.paymentId, result);
  const again: string[] = [];
  const unavailable: string[] = [];
  for (const [paymentId, result] of await checkPendingBatch(deps, pending)) {
    if ('error' in result) {
      results.set(paymentId, { paymentId, error: result.error });
      continue;
    }
    results.set(paymentId, { paymentId, outcome: result.outcome });
    if (result.outcome === 'chain_unavailable') unavailable.push(paymentId);
    else if (result.again) again.push(paymentId);
  }
  await scheduleChecks(deps, again);
  await scheduleChecks(deps, unavailable, deps.checkDelaySeconds * 2);
  return paymentIds.map((id) => results.get(id)!);
}

/** Waiting payouts (no nonce yet) go through chain-submit's path again, as one batch; it schedules their next look. */
async function resubmit(deps: PayoutDeps, waiting: Payout[]): Promise<CheckResult[]> {
  if (waiting.length === 0) return [];
  const records = await readItems(deps, waiting.map((p) => paymentKey(p.paymentId)));
  const payments: Payment[] = [];
  const results: CheckResult[] = [];
  for (const payout of waiting) {
    const row = records.get(keyString(paymentKey(payout.paymentId)));
    if (row) payments.push(recordFromItem(row).payment);
    else results.push({ paymentId: payout.paymentId, outcome: 'final' });
  }
  for (const result of await submitPayouts(deps, payments)) {
    if ('error' in result) results.push(result);
    else {
      const outcome = result.outcome.startsWith('waiting_') ? 'waiting' : result.outcome === 'failed' || result.outcome === 'stuck' ? result.outcome : 'confirming';
      results.push({ paymentId: result.paymentId, outcome });
    }
  }
  return results;
}

type PendingResult = { outcome: CheckOutcome; again: boolean } | { error: unknown };

async function checkPendingBatch(deps: PayoutDeps, pending: Payout[]): Promise<Map<string, PendingResult>> {
  const results = new Map<string, PendingResult>();
  const heads = new Map<string, Promise<number>>();
  const blockHashes = new Map<string, Promise<string | undefined>>();
  const walletNonces = new Map<string, Promise<WalletNonces>>();
  const snapshot: Snapshot = {
    head: (adapter) => memo(heads, adapter.chain, () => adapter.headBlock()),
    blockHash: (adapter, block) => memo(blockHashes, `${adapter.chain}#${block}`, () => adapter.blockHash(block)),
    nonces: (adapter) => memo(walletNonces, `${adapter.chain}#${adapter.keyId}`, async () => {
      const [address, mined, pending] = await Promise.all([adapter.hotWalletAddress(), adapter.minedNonce(), adapter.pendingNonce()]);
      return { address: address.toLowerCase(), mined, pending };
    }),
  };
  const decisions = await Promise.all(pending.map(async (payout) => {
    try {
      return { payout, decision: await inspect(deps, payout, snapshot) };
    } catch (error) {
      return { payout, error };
    }
  }));
  const settling = new Map<string, { payout: Payout; decision: Extract<Decision, { kind: 'settle' }> }[]>();
  for (const { payout, decision, error } of decisions) {
    if (error !== undefined || !decision) results.set(payout.paymentId, unavailableOr(deps, payout, error));
    else if (decision.kind === 'done') results.set(payout.paymentId, decision);
    else settling.set(`${payout.chain}#${payout.wallet}`, [...(settling.get(`${payout.chain}#${payout.wallet}`) ?? []), { payout, decision }]);
  }
  // Wallets side by side; within a wallet one settlement after another.
  await Promise.all([...settling.values()].map(async (queue) => {
    for (const { payout, decision } of queue) {
      try {
        const outcome = decision.succeeded ? await completePayout(deps, payout, decision.hash) : await failPayout(deps, payout, decision.failureCode);
        if (outcome !== 'conflict') {
          logger.info('payout settled', {
            step: 'chain', action: decision.succeeded ? 'confirmed' : 'failed', payment_id: payout.paymentId, chain: payout.chain,
            tx_hash: decision.hash, block: decision.block, confirmations: decision.confirmations, nonce: payout.nonce,
          });
        }
        results.set(payout.paymentId, outcome === 'conflict' ? { outcome: 'confirming', again: true } : { outcome: decision.succeeded ? 'succeeded' : 'failed', again: false });
      } catch (error) {
        results.set(payout.paymentId, { error });
      }
    }
  }));
  return results;
}

function unavailableOr(deps: PayoutDeps, payout: Payout, error: unknown): PendingResult {
  if (!(error instanceof ChainUnavailableError)) return { error };
  deps.signal({ kind: 'chain_unavailable', chain: payout.chain });
  return { outcome: 'chain_unavailable', again: true };
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
  }
  return value;
}

/** A wallet's nonces as the node sees them: mined in the latest block, and counting its pool. */
interface WalletNonces { address: string; mined: number; pending: number }

/** What a batch reads of a chain once, however many payouts it looks at. */
interface Snapshot {
  head(adapter: ChainAdapter): Promise<number>;
  blockHash(adapter: ChainAdapter, block: number): Promise<string | undefined>;
  nonces(adapter: ChainAdapter): Promise<WalletNonces>;
}

async function inspect(deps: PayoutDeps, payout: Payout, snapshot: Snapshot): Promise<Decision> {
  const adapter = deps.adapter(payout.chain);
  const nonces = await snapshot.nonces(payoutAdapter(deps, payout));
  const waitingInPool = nonces.address === payout.wallet.toLowerCase() && payout.nonce! >= nonces.mined && payout.nonce! < nonces.pending;
  // Not mined, and the node's pool holds a transaction with this nonce: no receipt to look up and
  // nothing to re-broadcast, two reads per wallet instead of two per payout. Only the fee deadline
  // matters. Anything else (mined, or a gap in the pool) takes the full look below.
  if (waitingInPool) return feeDeadline(deps, payout);
  const found = await firstReceipt(deps, payout);
  if (found) {
    const confirmations = (await snapshot.head(adapter)) - found.receipt.blockNumber + 1;
    const required = deps.chains.get(payout.chain)?.confirmations ?? 1;
    // Deep enough, and its block still the canonical one at that height: a receipt from a block
    // a reorganisation dropped proves nothing (the transaction may be mined again, or not at all).
    if (confirmations < Math.max(required, 1) || (await snapshot.blockHash(adapter, found.receipt.blockNumber)) !== found.receipt.blockHash) {
      return { kind: 'done', outcome: 'confirming', again: true };
    }
    const succeeded = found.kind === 'payout' && found.receipt.succeeded;
    return { kind: 'settle', succeeded, hash: found.receipt.hash, block: found.receipt.blockNumber, confirmations, failureCode: found.kind === 'fill' ? 'broadcast_rejected' : 'transfer_reverted' };
  }

  const latest = payout.attempts.at(-1)!;
  if (!(await adapter.isKnown(latest.hash))) {
    // Dropped by the node (eviction, reorg, restart): the same signed bytes go out again.
    if ((await rebroadcast(deps, payout)) === 'stuck') return { kind: 'done', outcome: 'stuck', again: false };
    return { kind: 'done', outcome: 'rebroadcast', again: true };
  }
  return feeDeadline(deps, payout);
}

/** Unmined past the deadline: replaced with a higher fee (same nonce); otherwise another look later. */
async function feeDeadline(deps: PayoutDeps, payout: Payout): Promise<Decision> {
  const latest = payout.attempts.at(-1)!;
  if (deps.now().getTime() - latest.atMs >= deps.stuckAfterMs && latest.kind === 'payout') {
    const replaced = await replaceWithHigherFee(deps, payout);
    if (replaced === 'stuck') return { kind: 'done', outcome: 'stuck', again: false };
    return { kind: 'done', outcome: replaced ? 'replaced' : 'confirming', again: true };
  }
  return { kind: 'done', outcome: 'confirming', again: true };
}

async function replaceWithHigherFee(deps: PayoutDeps, payout: Payout): Promise<boolean | 'stuck'> {
  // The key that owns the nonce signs the replacement, whatever the chain's hot wallet is now:
  // another key would sign a second transfer that can be mined next to the first.
  const adapter = payoutAdapter(deps, payout);
  const latest = payout.attempts.at(-1)!;
  const fees = adapter.bumpFees(feesFromItem(latest.fees), await adapter.quoteFees());
  if (!fees) return false; // at the fee caps already: keep waiting
  const record = await readPaymentRecord(deps, payout.paymentId);
  if (!record) return false;
  const token = deps.chains.get(payout.chain)?.assets.find((a) => a.symbol === record.payment.asset);
  if (!token) return false;
  const amount = toChainUnits(BigInt(record.payment.amount_captured), record.payment.asset, token.decimals);
  // Same nonce, same call, same gas limit: only the fee changes, so exactly one of them can be mined.
  const signed = await adapter.signPayout(
    { asset: record.payment.asset, to: payoutAddress(record.payment), amount, nonce: payout.nonce!, fees },
    Transaction.from(latest.raw).gasLimit,
  );
  const next: Payout = {
    ...payout,
    attempts: [...payout.attempts, { kind: 'payout', hash: signed.hash, raw: signed.raw, fees: feesToItem(fees), atMs: deps.now().getTime() }],
    version: payout.version + 1,
  };
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: deps.tableName, Item: payoutItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(payout.version) } } } }],
    }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) return false;
    throw error;
  }
  deps.signal({ kind: 'fee_bumped', chain: payout.chain, paymentId: payout.paymentId });
  return (await rebroadcast(deps, next)) === 'stuck' ? 'stuck' : true;
}
