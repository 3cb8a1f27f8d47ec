import { TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { Transaction } from 'ethers';
import { ChainUnavailableError } from '../chains/rpc.js';
import { toChainUnits } from '../ledger/assets.js';
import { scheduleCheck } from './check-queue.js';
import { completePayout, failPayout, readPaymentRecord } from './complete.js';
import type { PayoutDeps } from './deps.js';
import { firstReceipt, payoutAdapter, rebroadcast } from './broadcast.js';
import { feesFromItem, feesToItem, isWaiting, payoutItem, type Payout } from './items.js';
import { readPayout, submitPayout } from './submit.js';

export type CheckOutcome = 'succeeded' | 'failed' | 'confirming' | 'waiting' | 'replaced' | 'rebroadcast' | 'chain_unavailable' | 'stuck' | 'final';

/**
 * One look at a payout, driven by delayed messages: confirmed after the chain's confirmations,
 * re-broadcast if the node forgot it, replaced with a higher fee (same nonce) when stuck past the
 * deadline, retried when the hot wallet was short of funds. An unreachable chain only delays.
 */
export async function checkPayout(deps: PayoutDeps, paymentId: string): Promise<CheckOutcome> {
  const payout = await readPayout(deps, paymentId);
  if (!payout || payout.status === 'succeeded' || payout.status === 'failed') return 'final';
  // Stuck: an operator decides; no check is scheduled, so the loop ends here.
  if (payout.status === 'stuck') return 'stuck';
  try {
    if (isWaiting(payout.status)) {
      const record = await readPaymentRecord(deps, paymentId);
      if (!record) return 'final';
      const outcome = await submitPayout(deps, record.payment);
      return outcome.startsWith('waiting_') ? 'waiting' : outcome === 'failed' || outcome === 'stuck' ? outcome : 'confirming';
    }
    return await checkPending(deps, payout);
  } catch (error) {
    if (!(error instanceof ChainUnavailableError)) throw error;
    deps.signal({ kind: 'chain_unavailable', chain: payout.chain });
    await scheduleCheck(deps, paymentId, deps.checkDelaySeconds * 2);
    return 'chain_unavailable';
  }
}

async function checkPending(deps: PayoutDeps, payout: Payout): Promise<CheckOutcome> {
  const adapter = deps.adapter(payout.chain);
  const found = await firstReceipt(deps, payout);
  if (found) {
    const confirmations = (await adapter.headBlock()) - found.receipt.blockNumber + 1;
    const required = deps.chains.get(payout.chain)?.confirmations ?? 1;
    // Deep enough, and its block still the canonical one at that height: a receipt from a block
    // a reorganisation dropped proves nothing (the transaction may be mined again, or not at all).
    if (confirmations < Math.max(required, 1) || (await adapter.blockHash(found.receipt.blockNumber)) !== found.receipt.blockHash) {
      await scheduleCheck(deps, payout.paymentId);
      return 'confirming';
    }
    const outcome = found.kind === 'payout' && found.receipt.succeeded
      ? await completePayout(deps, payout, found.receipt.hash)
      : await failPayout(deps, payout, found.kind === 'fill' ? 'broadcast_rejected' : 'transfer_reverted');
    if (outcome === 'conflict') {
      await scheduleCheck(deps, payout.paymentId);
      return 'confirming';
    }
    return found.kind === 'payout' && found.receipt.succeeded ? 'succeeded' : 'failed';
  }

  const latest = payout.attempts.at(-1)!;
  if (!(await adapter.isKnown(latest.hash))) {
    // Dropped by the node (eviction, reorg, restart): the same signed bytes go out again.
    if ((await rebroadcast(deps, payout)) === 'stuck') return 'stuck';
    await scheduleCheck(deps, payout.paymentId);
    return 'rebroadcast';
  }
  if (deps.now().getTime() - latest.atMs >= deps.stuckAfterMs && latest.kind === 'payout') {
    const replaced = await replaceWithHigherFee(deps, payout);
    if (replaced === 'stuck') return 'stuck';
    await scheduleCheck(deps, payout.paymentId);
    return replaced ? 'replaced' : 'confirming';
  }
  await scheduleCheck(deps, payout.paymentId);
  return 'confirming';
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
    { asset: record.payment.asset, to: record.payment.destination, amount, nonce: payout.nonce!, fees },
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
