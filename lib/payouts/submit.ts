import { GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { SignedTransaction } from '../chains/adapter.js';
import { PayoutRejectedError } from '../chains/evm-adapter.js';
import { ChainUnavailableError, isTransportError } from '../chains/rpc.js';
import { toChainUnits } from '../ledger/assets.js';
import type { Payment } from '../payments/schemas.js';
import { platformEventItem } from './platform-events.js';
import { scheduleCheck } from './check-queue.js';
import { failPayout, readPaymentRecord } from './complete.js';
import type { PayoutDeps } from './deps.js';
import { feesToItem, nonceKey, payoutFromItem, payoutItem, payoutKey, walletKey, type Payout } from './items.js';

export type SubmitOutcome = 'submitted' | 'rebroadcast' | 'waiting_liquidity' | 'waiting_chain' | 'failed' | 'nothing_to_do';

const maxNonceRaces = 5;

/**
 * Puts a captured payment on chain exactly once. The nonce, the owning payment and the signed
 * transaction are recorded in one DynamoDB transaction before anything is broadcast, so a crash at
 * any point is repaired by redelivery: an existing record is re-broadcast byte for byte.
 */
export async function submitPayout(deps: PayoutDeps, payment: Payment): Promise<SubmitOutcome> {
  try {
    return await submitOnce(deps, payment);
  } catch (error) {
    if (!(error instanceof ChainUnavailableError)) throw error;
    // The chain did not answer before a nonce was taken: park the payout, check again later.
    deps.signal({ kind: 'chain_unavailable', chain: payment.chain });
    await park(deps, payment, 'waiting_chain');
    return 'waiting_chain';
  }
}

async function submitOnce(deps: PayoutDeps, payment: Payment): Promise<SubmitOutcome> {
  const existing = await readPayout(deps, payment.id);
  if (existing && (existing.status === 'succeeded' || existing.status === 'failed')) return 'nothing_to_do';
  if (existing?.status === 'pending') {
    await rebroadcast(deps, existing);
    await scheduleCheck(deps, payment.id);
    return 'rebroadcast';
  }
  const record = await readPaymentRecord(deps, payment.id);
  if (!record || record.payment.status !== 'processing') return 'nothing_to_do';

  const chain = deps.chains.get(payment.chain);
  const token = chain?.assets.find((a) => a.symbol === payment.asset);
  // A chain missing from this deployment's registry may still hold the payout: never fail it, retry
  // (the message ends in the dead-letter queue, whose alarm calls an operator).
  if (!chain || !token) throw new Error(`chain ${payment.chain} carrying ${payment.asset} is not in the chain registry`);
  const adapter = deps.adapter(payment.chain);
  const wallet = await adapter.hotWalletAddress();
  const amount = toChainUnits(BigInt(payment.amount_captured), payment.asset, token.decimals);

  let gasLimit: bigint;
  try {
    gasLimit = await adapter.estimatePayoutGas({ asset: payment.asset, to: payment.destination, amount });
  } catch (error) {
    if (error instanceof PayoutRejectedError) {
      // Before anything touched a nonce: the hot wallet lacks the tokens, or the destination is refused.
      const balances = await adapter.balances();
      if ((balances.tokens[payment.asset] ?? 0n) < amount) return waitForLiquidity(deps, record.merchantId, payment, wallet, amount, balances, existing);
      return finalFail(deps, record.merchantId, payment, existing, 'destination_rejected');
    }
    throw error;
  }
  const fees = await adapter.quoteFees();
  const balances = await adapter.balances();
  const gasCost = gasLimit * (fees.maxFeePerGas ?? fees.gasPrice ?? 0n);
  if ((balances.tokens[payment.asset] ?? 0n) < amount || balances.gasWei < gasCost) {
    return waitForLiquidity(deps, record.merchantId, payment, wallet, amount, balances, existing);
  }

  for (let race = 0; race < maxNonceRaces; race += 1) {
    const walletItem = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: walletKey(payment.chain, wallet), ConsistentRead: true }))).Item;
    const nonce = walletItem ? Number(walletItem.nextNonce!.N) : await adapter.pendingNonce();
    const signed = await adapter.signPayout({ asset: payment.asset, to: payment.destination, amount, nonce, fees }, gasLimit);
    const payout: Payout = {
      paymentId: payment.id, merchantId: record.merchantId, chain: payment.chain, wallet, status: 'pending', nonce,
      attempts: [{ kind: 'payout', hash: signed.hash, raw: signed.raw, fees: feesToItem(signed.fees), atMs: deps.now().getTime() }],
      version: (existing?.version ?? 0) + 1, createdAtMs: existing?.createdAtMs ?? deps.now().getTime(),
    };
    try {
      await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: allocationItems(deps, payout, walletItem !== undefined, existing) }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [walletReason, payoutReason] = error.CancellationReasons ?? [];
      if (payoutReason?.Code === 'ConditionalCheckFailed') return submitOnce(deps, payment); // another delivery won
      if (walletReason?.Code === 'ConditionalCheckFailed') continue; // another payout took that nonce
      throw error;
    }
    await broadcastQuietly(deps, payout, signed);
    await scheduleCheck(deps, payment.id);
    return 'submitted';
  }
  throw new Error(`could not allocate a nonce on ${payment.chain} after ${maxNonceRaces} races`);
}

function allocationItems(deps: PayoutDeps, payout: Payout, walletExists: boolean, previous: Payout | undefined) {
  const nonce = payout.nonce!;
  return [
    {
      Update: {
        TableName: deps.tableName,
        Key: walletKey(payout.chain, payout.wallet),
        UpdateExpression: 'SET nextNonce = :next, entity = :entity, chain = :chain, wallet = :wallet',
        ConditionExpression: walletExists ? 'nextNonce = :nonce' : 'attribute_not_exists(pk)',
        ExpressionAttributeValues: {
          ':next': { N: String(nonce + 1) }, ':entity': { S: 'wallet' }, ':chain': { S: payout.chain }, ':wallet': { S: payout.wallet },
          ...(walletExists ? { ':nonce': { N: String(nonce) } } : {}),
        },
      },
    },
    {
      Put: {
        TableName: deps.tableName,
        Item: payoutItem(payout),
        ConditionExpression: previous ? 'version = :v AND #status IN (:waitingLiquidity, :waitingChain)' : 'attribute_not_exists(pk)',
        ...(previous ? { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':v': { N: String(previous.version) }, ':waitingLiquidity': { S: 'waiting_liquidity' }, ':waitingChain': { S: 'waiting_chain' } } } : {}),
      },
    },
    {
      Put: {
        TableName: deps.tableName,
        Item: { ...nonceKey(payout.chain, payout.wallet, nonce), entity: { S: 'nonce' }, paymentId: { S: payout.paymentId }, hash: { S: payout.attempts[0]!.hash } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

/**
 * Sends signed bytes. Unreachable node or a passing refusal (underpriced, short of funds): the
 * check retries later, the record is what matters. A permanent refusal (the node will never mine
 * these bytes, e.g. too little gas): the nonce is filled with a zero-value self-transfer so later
 * nonces are not stuck, and the payment fails once the fill is mined.
 */
async function broadcastQuietly(deps: PayoutDeps, payout: Payout, signed: Pick<SignedTransaction, 'raw'>): Promise<void> {
  try {
    await deps.adapter(payout.chain).broadcast(signed.raw);
  } catch (error) {
    if (isTransportError(error) || error instanceof ChainUnavailableError) {
      deps.signal({ kind: 'chain_unavailable', chain: payout.chain });
      return;
    }
    if (isPassingRefusal(error)) return;
    const latest = payout.attempts.at(-1);
    if (latest?.kind === 'fill') throw error; // a fill refused for good needs an operator (dead-letter queue)
    await fillNonce(deps, payout);
  }
}

function isPassingRefusal(error: unknown): boolean {
  return /underpriced|insufficient funds|nonce too high|txpool is full|already known|known transaction/i.test(String((error as Error).message ?? ''));
}

async function fillNonce(deps: PayoutDeps, payout: Payout): Promise<void> {
  const adapter = deps.adapter(payout.chain);
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
    if (error instanceof TransactionCanceledException) return; // another delivery is handling it
    throw error;
  }
  await broadcastQuietly(deps, next, fill);
}

export async function rebroadcast(deps: PayoutDeps, payout: Payout): Promise<void> {
  const latest = payout.attempts.at(-1);
  if (!latest) return;
  deps.signal({ kind: 'rebroadcast', chain: payout.chain, paymentId: payout.paymentId });
  await broadcastQuietly(deps, payout, latest);
}

export async function readPayout(deps: Pick<PayoutDeps, 'dynamodb' | 'tableName'>, paymentId: string): Promise<Payout | undefined> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: payoutKey(paymentId), ConsistentRead: true }))).Item;
  return item ? payoutFromItem(item) : undefined;
}

async function waitForLiquidity(
  deps: PayoutDeps, merchantId: string, payment: Payment, wallet: string, amount: bigint,
  balances: { gasWei: bigint; tokens: Record<string, bigint> }, existing: Payout | undefined,
): Promise<SubmitOutcome> {
  deps.signal({
    kind: 'liquidity_low', chain: payment.chain, wallet, asset: payment.asset, neededMinor: amount.toString(),
    balanceMinor: (balances.tokens[payment.asset] ?? 0n).toString(), gasWei: balances.gasWei.toString(),
  });
  if (existing?.status !== 'waiting_liquidity') {
    const lowOn = { chain: payment.chain, wallet, asset: payment.asset, needed: amount.toString(), token_balance: (balances.tokens[payment.asset] ?? 0n).toString(), gas_wei: balances.gasWei.toString(), payment_id: payment.id };
    // The operator's `liquidity.low` event is written with the waiting record (outbox), once per wait.
    await park(deps, payment, 'waiting_liquidity', platformEventItem(deps.tableName, 'liquidity.low', lowOn, deps.now()), { merchantId, wallet });
  } else {
    await scheduleCheck(deps, payment.id);
  }
  return 'waiting_liquidity';
}

/** Records that the payout waits (no nonce taken) and asks chain-check to retry it later (also the reconciler's re-drive). */
export async function park(
  deps: PayoutDeps, payment: Payment, status: 'waiting_liquidity' | 'waiting_chain',
  extra?: TransactWriteItem, known?: { merchantId: string; wallet: string },
): Promise<void> {
  const existing = await readPayout(deps, payment.id);
  if (existing && existing.status !== 'waiting_liquidity' && existing.status !== 'waiting_chain') return;
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
