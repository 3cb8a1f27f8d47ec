import { GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { ChainAdapter } from '../chains/adapter.js';
import { PayoutRejectedError } from '../chains/evm-adapter.js';
import type { Chain } from '../chains/registry.js';
import { ChainUnavailableError } from '../chains/rpc.js';
import { toChainUnits } from '../ledger/assets.js';
import type { Payment } from '../payments/schemas.js';
import { broadcastQuietly, rebroadcast } from './broadcast.js';
import { scheduleCheck } from './check-queue.js';
import { failPayout, readPaymentRecord } from './complete.js';
import type { PayoutDeps } from './deps.js';
import { activeKeyCondition, currentHotWallet } from './hot-wallet.js';
import { feesToItem, isWaiting, nonceKey, payoutFromItem, payoutItem, payoutKey, walletKey, waitingStatuses, type Payout, type PayoutReservation, type WaitingStatus } from './items.js';
import { inFlightFromItem, liquidityShortfall, reserveWalletItem, type InFlight } from './liquidity.js';
import { platformEventItem } from './platform-events.js';

export type SubmitOutcome = 'submitted' | 'rebroadcast' | WaitingStatus | 'failed' | 'stuck' | 'nothing_to_do';

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
  if (existing?.status === 'stuck') return 'stuck';
  if (existing && !isWaiting(existing.status) && existing.status !== 'pending') return 'nothing_to_do';
  if (existing?.status === 'pending') {
    if ((await rebroadcast(deps, existing)) === 'stuck') return 'stuck';
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
  const hotWallet = await currentHotWallet(deps, chain);
  if (hotWallet.state === 'draining') {
    // A rotation waits for the old wallet's nonces to be mined: no nonce is taken meanwhile.
    await park(deps, payment, 'waiting_wallet');
    return 'waiting_wallet';
  }
  const adapter = deps.adapter(payment.chain).withKey(hotWallet.keyId);
  const wallet = await adapter.hotWalletAddress();
  const amount = toChainUnits(BigInt(payment.amount_captured), payment.asset, token.decimals);

  let gasLimit: bigint;
  try {
    gasLimit = await adapter.estimatePayoutGas({ asset: payment.asset, to: payment.destination, amount });
  } catch (error) {
    if (error instanceof PayoutRejectedError) {
      // Before anything touched a nonce: the hot wallet lacks the tokens, or the destination is refused.
      const balances = await adapter.balances();
      if ((balances.tokens[payment.asset] ?? 0n) < amount) {
        return waitForLiquidity(deps, record.merchantId, payment, wallet, amount, balances, { amounts: {}, gasWei: 0n }, existing);
      }
      return finalFail(deps, record.merchantId, payment, existing, 'destination_rejected');
    }
    throw error;
  }
  const fees = await adapter.quoteFees();
  const gasWei = gasLimit * (fees.maxFeePerGas ?? fees.gasPrice ?? 0n);
  const balances = await balancesAtDepth(adapter, chain);

  for (let race = 0; race < maxNonceRaces; race += 1) {
    const walletItem = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: walletKey(payment.chain, wallet), ConsistentRead: true }))).Item;
    const inFlight = inFlightFromItem(walletItem, chain);
    const short = liquidityShortfall({ chain, asset: payment.asset, amount, gasWei, balances, inFlight });
    if (short.tokenShort || short.gasShort) return waitForLiquidity(deps, record.merchantId, payment, wallet, amount, balances, inFlight, existing);

    const nonce = walletItem ? Number(walletItem.nextNonce!.N) : await adapter.pendingNonce();
    const signed = await adapter.signPayout({ asset: payment.asset, to: payment.destination, amount, nonce, fees }, gasLimit);
    const reserved: PayoutReservation = { asset: payment.asset, amount: amount.toString(), gasWei: gasWei.toString() };
    const payout: Payout = {
      paymentId: payment.id, merchantId: record.merchantId, chain: payment.chain, wallet, keyId: hotWallet.keyId, status: 'pending', nonce, reserved,
      attempts: [{ kind: 'payout', hash: signed.hash, raw: signed.raw, fees: feesToItem(signed.fees), atMs: deps.now().getTime() }],
      version: (existing?.version ?? 0) + 1, createdAtMs: existing?.createdAtMs ?? deps.now().getTime(),
    };
    try {
      await deps.dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          reserveWalletItem(deps.tableName, chain, payout, { exists: walletItem !== undefined, inFlight }, reserved),
          payoutPut(deps, payout, existing),
          nonceItem(deps, payout),
          activeKeyCondition(deps.tableName, hotWallet),
        ],
      }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [walletReason, payoutReason, , keyReason] = error.CancellationReasons ?? [];
      if (payoutReason?.Code === 'ConditionalCheckFailed') return submitOnce(deps, payment); // another delivery won
      if (keyReason?.Code === 'ConditionalCheckFailed') return submitOnce(deps, payment); // a rotation began meanwhile
      if (walletReason?.Code === 'ConditionalCheckFailed') continue; // another payout took that nonce or more of the balance
      throw error;
    }
    if ((await broadcastQuietly(deps, payout, signed)) === 'stuck') return 'stuck';
    await scheduleCheck(deps, payment.id);
    return 'submitted';
  }
  throw new Error(`could not allocate a nonce on ${payment.chain} after ${maxNonceRaces} races`);
}

/** Balances as of the chain's confirmation depth, the depth at which payouts leave the in-flight sums. */
async function balancesAtDepth(adapter: ChainAdapter, chain: Chain) {
  const head = await adapter.headBlock();
  return adapter.balances(Math.max(0, head - Math.max(chain.confirmations, 1) + 1));
}

function payoutPut(deps: PayoutDeps, payout: Payout, previous: Payout | undefined): TransactWriteItem {
  const waiting = Object.fromEntries(waitingStatuses.map((status, i) => [`:w${i}`, { S: status }]));
  return {
    Put: {
      TableName: deps.tableName,
      Item: payoutItem(payout),
      ConditionExpression: previous ? `version = :v AND #status IN (${Object.keys(waiting).join(', ')})` : 'attribute_not_exists(pk)',
      ...(previous ? { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':v': { N: String(previous.version) }, ...waiting } } : {}),
    },
  };
}

function nonceItem(deps: PayoutDeps, payout: Payout): TransactWriteItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: { ...nonceKey(payout.chain, payout.wallet, payout.nonce!), entity: { S: 'nonce' }, paymentId: { S: payout.paymentId }, hash: { S: payout.attempts[0]!.hash } },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
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
  if (existing && !isWaiting(existing.status)) return;
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
