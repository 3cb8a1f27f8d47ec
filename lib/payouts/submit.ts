import { GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Chain } from '../chains/registry.js';
import { ChainUnavailableError } from '../chains/errors.js';
import { paymentKey, recordFromItem } from '../payments/items.js';
import type { Payment } from '../payments/schemas.js';
import { allocateNonces, BatchOutdatedError, type Allocation, type Candidate } from './allocate.js';
import { rebroadcast } from './broadcast.js';
import { scheduleCheck, scheduleChecks } from './schedule-check.js';
import { failPayout, readPaymentRecord } from './complete.js';
import type { PayoutDeps } from './deps.js';
import { hotWalletConfigKey, hotWalletFromItem } from './hot-wallet.js';
import { isWaiting, payoutFromItem, payoutItem, payoutKey, type Payout, type WaitingStatus } from './items.js';
import type { InFlight } from './liquidity.js';
import { platformEventItem } from './platform-events.js';
import { keyString, readItems, type Item } from './reads.js';

export type SubmitOutcome = 'submitted' | 'rebroadcast' | WaitingStatus | 'failed' | 'stuck' | 'nothing_to_do';
/** Per payment of a batch: its outcome, or the error that makes its message fail (and be redelivered). */
export type SubmitResult = { paymentId: string; outcome: SubmitOutcome } | { paymentId: string; error: unknown };

/** At most this many payouts per nonce transaction (2 items each, plus the wallet and the key check: DynamoDB takes 100). */
const maxBatch = 40;
const maxRestarts = 5;

/** submitPayouts for one payment; its error is thrown. */
export async function submitPayout(deps: PayoutDeps, payment: Payment): Promise<SubmitOutcome> {
  const [result] = await submitPayouts(deps, [payment]);
  if ('error' in result!) throw result.error;
  return result!.outcome;
}

/**
 * Puts captured payments on chain exactly once, a queue batch at a time: one read of every payout,
 * payment and the chain's hot wallet, then the nonces of all new payouts of a chain in one
 * transaction (allocate.ts), up to `maxBatch` a transaction; the chains of a batch side by side.
 * The nonce, the owning payment and the signed transaction are recorded before anything is
 * broadcast, so a crash at any point is repaired by redelivery: an existing record is re-broadcast
 * byte for byte. One check message per payout, sent in batches.
 */
export async function submitPayouts(deps: PayoutDeps, payments: Payment[]): Promise<SubmitResult[]> {
  const unique = [...new Map(payments.map((p) => [p.id, p])).values()];
  const byChain = new Map<string, Payment[]>();
  for (const payment of unique) byChain.set(payment.chain, [...(byChain.get(payment.chain) ?? []), payment]);
  const results = new Map<string, SubmitResult>();
  // Chains side by side (their wallets share nothing); within a chain one nonce transaction after another.
  await Promise.all([...byChain].map(async ([chainName, group]) => {
    for (let start = 0; start < group.length; start += maxBatch) {
      for (const result of await submitChainBatch(deps, chainName, group.slice(start, start + maxBatch))) results.set(result.paymentId, result);
    }
  }));
  return payments.map((p) => results.get(p.id)!);
}

async function submitChainBatch(deps: PayoutDeps, chainName: string, payments: Payment[]): Promise<SubmitResult[]> {
  for (let restart = 0; ; restart += 1) {
    try {
      return await submitOnce(deps, chainName, payments);
    } catch (error) {
      if (error instanceof BatchOutdatedError && restart < maxRestarts) continue;
      if (!(error instanceof ChainUnavailableError)) return payments.map((p) => ({ paymentId: p.id, error }));
      // The chain did not answer before the nonces were taken: park the payouts, check again later.
      deps.signal({ kind: 'chain_unavailable', chain: chainName });
      return Promise.all(payments.map(async (payment): Promise<SubmitResult> => {
        try {
          await park(deps, payment, 'waiting_chain');
          return { paymentId: payment.id, outcome: 'waiting_chain' };
        } catch (parkError) {
          return { paymentId: payment.id, error: parkError };
        }
      }));
    }
  }
}

async function submitOnce(deps: PayoutDeps, chainName: string, payments: Payment[]): Promise<SubmitResult[]> {
  const items = await readItems(deps, [...payments.flatMap((p) => [payoutKey(p.id), paymentKey(p.id)]), hotWalletConfigKey(chainName)]);
  const results = new Map<string, SubmitResult>();
  const pending: Payout[] = [];
  const candidates: Candidate[] = [];
  for (const payment of payments) {
    const payoutRow = items.get(keyString(payoutKey(payment.id)));
    const existing = payoutRow ? payoutFromItem(payoutRow) : undefined;
    if (existing?.status === 'stuck') results.set(payment.id, { paymentId: payment.id, outcome: 'stuck' });
    else if (existing?.status === 'pending') pending.push(existing);
    else if (existing && !isWaiting(existing.status)) results.set(payment.id, { paymentId: payment.id, outcome: 'nothing_to_do' });
    else {
      const recordRow = items.get(keyString(paymentKey(payment.id)));
      const record = recordRow ? recordFromItem(recordRow) : undefined;
      if (!record || record.payment.status !== 'processing') results.set(payment.id, { paymentId: payment.id, outcome: 'nothing_to_do' });
      else candidates.push({ payment, merchantId: record.merchantId, existing });
    }
  }
  const toCheck: string[] = [];

  // Already signed (a redelivery, or the check retrying): the same bytes go out again, in nonce order.
  for (const payout of pending.sort((a, b) => (a.nonce ?? 0) - (b.nonce ?? 0))) {
    try {
      const outcome = (await rebroadcast(deps, payout)) === 'stuck' ? 'stuck' : 'rebroadcast';
      results.set(payout.paymentId, { paymentId: payout.paymentId, outcome });
      if (outcome === 'rebroadcast') toCheck.push(payout.paymentId);
    } catch (error) {
      if (error instanceof ChainUnavailableError) throw error;
      results.set(payout.paymentId, { paymentId: payout.paymentId, error });
    }
  }

  if (candidates.length > 0) {
    const chain = deps.chains.get(chainName);
    for (const candidate of candidates) {
      // A chain or asset missing from this deployment's registry may still hold the payout: never
      // fail it, retry (the message ends in the dead-letter queue, whose alarm calls an operator).
      if (!chain?.assets.some((a) => a.symbol === candidate.payment.asset)) {
        results.set(candidate.payment.id, { paymentId: candidate.payment.id, error: new Error(`chain ${chainName} carrying ${candidate.payment.asset} is not in the chain registry`) });
      }
    }
    const ready = candidates.filter((c) => !results.has(c.payment.id));
    if (chain && ready.length > 0) {
      for (const [paymentId, outcome] of await takeNonces(deps, chain, items, ready)) {
        results.set(paymentId, { paymentId, outcome });
        if (outcome === 'submitted') toCheck.push(paymentId);
      }
    }
  }
  await scheduleChecks(deps, toCheck);
  return payments.map((p) => results.get(p.id)!);
}

async function takeNonces(deps: PayoutDeps, chain: Chain, items: Map<string, Item>, ready: Candidate[]): Promise<Map<string, SubmitOutcome>> {
  const outcomes = new Map<string, SubmitOutcome>();
  const hotWallet = hotWalletFromItem(chain, items.get(keyString(hotWalletConfigKey(chain.name))));
  if (hotWallet.state === 'draining') {
    // A rotation waits for the old wallet's nonces to be mined: no nonce is taken meanwhile.
    for (const c of ready) {
      await park(deps, c.payment, 'waiting_wallet');
      outcomes.set(c.payment.id, 'waiting_wallet');
    }
    return outcomes;
  }
  const wallet = await deps.adapter(chain.name).withKey(hotWallet.keyId).hotWalletAddress();
  for (const allocation of await allocateNonces(deps, chain, hotWallet, ready)) outcomes.set(allocation.candidate.payment.id, await settleAllocation(deps, wallet, allocation));
  return outcomes;
}

async function settleAllocation(deps: PayoutDeps, wallet: string, allocation: Allocation): Promise<SubmitOutcome> {
  const { payment, merchantId, existing } = allocation.candidate;
  switch (allocation.kind) {
    case 'submitted':
    case 'stuck':
      return allocation.kind;
    case 'short':
      return waitForLiquidity(deps, merchantId, payment, wallet, allocation.amount, allocation.balances, allocation.inFlight, existing);
    case 'destination_rejected':
      return finalFail(deps, merchantId, payment, existing, 'destination_rejected');
  }
}

export async function readPayout(deps: Pick<PayoutDeps, 'dynamodb' | 'tableName'>, paymentId: string): Promise<Payout | undefined> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: payoutKey(paymentId), ConsistentRead: true }))).Item;
  return item ? payoutFromItem(item) : undefined;
}

async function waitForLiquidity(
  deps: PayoutDeps, merchantId: string, payment: Payment, wallet: string, amount: bigint,
  balances: { gasWei: bigint; tokens: Record<string, bigint> }, inFlight: InFlight, existing: Payout | undefined,
): Promise<SubmitOutcome> {
  deps.signal({
    kind: 'liquidity_low', chain: payment.chain, wallet, asset: payment.asset, neededMinor: amount.toString(),
    balanceMinor: (balances.tokens[payment.asset] ?? 0n).toString(), gasWei: balances.gasWei.toString(),
  });
  if (existing?.status !== 'waiting_liquidity') {
    const lowOn = {
      chain: payment.chain, wallet, asset: payment.asset, needed: amount.toString(), token_balance: (balances.tokens[payment.asset] ?? 0n).toString(),
      in_flight: (inFlight.amounts[payment.asset] ?? 0n).toString(), gas_wei: balances.gasWei.toString(), payment_id: payment.id,
    };
    // The operator's `liquidity.low` event is written with the waiting record (outbox), once per wait.
    await park(deps, payment, 'waiting_liquidity', platformEventItem(deps.tableName, 'liquidity.low', lowOn, deps.now()), { merchantId, wallet });
  } else {
    await scheduleCheck(deps, payment.id);
  }
  return 'waiting_liquidity';
}

/** Records that the payout waits (no nonce taken) and asks chain-check to retry it later (also the reconciler's re-drive). */
export async function park(
  deps: PayoutDeps, payment: Payment, status: WaitingStatus,
  extra?: TransactWriteItem, known?: { merchantId: string; wallet: string },
): Promise<void> {
  const existing = await readPayout(deps, payment.id);
  if (existing && !isWaiting(existing.status)) {
    // Signed meanwhile (or before the chain stopped answering): its check loop must go on.
    if (existing.status === 'pending') await scheduleCheck(deps, payment.id);
    return;
  }
  if (existing?.status === status && !extra) {
    await scheduleCheck(deps, payment.id);
    return;
  }
  const merchantId = known?.merchantId ?? existing?.merchantId ?? (await readPaymentRecord(deps, payment.id))?.merchantId;
  if (!merchantId) return;
  const waiting: Payout = {
    paymentId: payment.id, merchantId, chain: payment.chain, wallet: known?.wallet ?? existing?.wallet ?? 'unknown', status,
    attempts: [], version: (existing?.version ?? 0) + 1, createdAtMs: existing?.createdAtMs ?? deps.now().getTime(),
  };
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: deps.tableName,
            Item: payoutItem(waiting),
            ConditionExpression: existing ? 'version = :v' : 'attribute_not_exists(pk)',
            ...(existing ? { ExpressionAttributeValues: { ':v': { N: String(existing.version) } } } : {}),
          },
        },
        ...(extra ? [extra] : []),
      ],
    }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error; // another delivery parked it first
  }
  await scheduleCheck(deps, payment.id);
}

async function finalFail(deps: PayoutDeps, merchantId: string, payment: Payment, existing: Payout | undefined, code: string): Promise<SubmitOutcome> {
  const payout: Payout = existing ?? { paymentId: payment.id, merchantId, chain: payment.chain, wallet: 'none', status: 'failed', attempts: [], version: 0, createdAtMs: deps.now().getTime() };
  await failPayout(deps, payout, code);
  return 'failed';
}
