import { GetItemCommand, TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { PayoutRejectedError, type Chain, type ChainAdapter, type SignedTransaction } from '#chains';
import { toChainUnits } from '#ledger';
import { conditionFailedAt, logger } from '#platform';
import { payoutAddress, type Payment } from '../payments/schemas.js';
import { broadcastBatchQuietly } from './broadcast.js';
import type { PayoutDeps } from './deps.js';
import { activeKeyCondition, type HotWalletConfig } from './hot-wallet.js';
import { feesToItem, nextNonceOf, nonceKey, payoutItem, waitingStatuses, walletKey, type Payout, type PayoutReservation } from './items.js';
import { inFlightFromItem, liquidityShortfall, reserveWalletItem, type InFlight } from './liquidity.js';

/** A captured payment with no nonce yet (no payout record, or one waiting). */
export interface Candidate {
  payment: Payment;
  merchantId: string;
  existing: Payout | undefined;
}

/** What became of a candidate: on chain, waiting for liquidity, refused by the token, or given back to the caller to start over. */
export type Allocation =
  | { kind: 'submitted' | 'stuck'; candidate: Candidate }
  | { kind: 'short'; candidate: Candidate; amount: bigint; balances: Balances; inFlight: InFlight }
  | { kind: 'destination_rejected'; candidate: Candidate };

type Balances = { gasWei: bigint; tokens: Record<string, bigint> };
interface Priced extends Candidate { amount: bigint; gasLimit: bigint; gasWei: bigint }

/** Raised when another delivery or a rotation changed what the batch read: the caller reads again and starts over. */
export class BatchOutdatedError extends Error {
  override name = 'BatchOutdatedError';
}

const maxNonceRaces = 8;

/**
 * Takes nonces for a batch of one hot wallet's payouts at once: one snapshot of the chain (fees,
 * balances at depth, each transfer's gas), one liquidity pass net of what is in flight and of the
 * batch itself, k KMS signatures in parallel, then ONE transaction that takes nonces n..n+k-1 on
 * the WALLET item, records every payout with its signed bytes and nonce item, and checks the hot
 * wallet is still the active one. Only then are the transactions broadcast, in nonce order: a
 * crash in between is repaired by redelivery (the records are re-broadcast byte for byte).
 */
export async function allocateNonces(deps: PayoutDeps, chain: Chain, hotWallet: HotWalletConfig, candidates: Candidate[]): Promise<Allocation[]> {
  const adapter = deps.adapter(chain.name).withKey(hotWallet.keyId);
  const wallet = await adapter.hotWalletAddress();
  const readWallet = async () => (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: walletKey(chain.name, wallet), ConsistentRead: true }))).Item;
  // The first read of the WALLET item rides along with the snapshot: its condition in the
  // transaction, not the moment of the read, is what keeps the nonces and sums right.
  const [fees, balances, gasLimits, firstWalletItem] = await Promise.all([
    adapter.quoteFees(),
    balancesAtDepth(adapter, chain),
    Promise.all(candidates.map((c) => estimate(adapter, c, amountOf(chain, c.payment)))),
    readWallet(),
  ]);
  const { priced, results } = await priceCandidates(adapter, chain, candidates, gasLimits, fees.maxFeePerGas ?? fees.gasPrice ?? 0n);

  for (let race = 0; priced.length > 0; race += 1) {
    if (race >= maxNonceRaces) throw new Error(`could not allocate nonces on ${chain.name} after ${maxNonceRaces} races`);
    const walletItem = race === 0 ? firstWalletItem : await readWallet();
    const inFlight = inFlightFromItem(walletItem, chain);
    const { take, short } = splitByLiquidity(chain, priced, balances, inFlight);
    if (take.length === 0) {
      results.push(...short.map((c) => ({ kind: 'short' as const, candidate: c, amount: c.amount, balances, inFlight })));
      break;
    }
    const firstNonce = walletItem ? nextNonceOf(walletItem) : await adapter.pendingNonce();
    const signed = await Promise.all(take.map((c, i) => adapter.signPayout({ asset: c.payment.asset, to: payoutAddress(c.payment), amount: c.amount, nonce: firstNonce + i, fees }, c.gasLimit)));
    const payouts = signedPayouts({ chain: chain.name, wallet, keyId: hotWallet.keyId, firstNonce }, take, signed, deps.now().getTime());
    const allocation = { chain: chain.name, wallet, keyId: hotWallet.keyId, firstNonce, reservations: payouts.map((p) => p.reserved!) };
    try {
      await deps.dynamodb.send(new TransactWriteItemsCommand({
        TransactItems: [
          reserveWalletItem(deps.tableName, chain, allocation, { exists: walletItem !== undefined, inFlight }),
          ...payouts.map((p, i) => payoutPut(deps, p, take[i]!.existing)),
          ...payouts.map((p) => nonceItem(deps, p)),
          activeKeyCondition(deps.tableName, hotWallet),
        ],
      }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failed = (i: number) => conditionFailedAt(error, i);
      // Another delivery recorded one of these payouts, or a rotation began: read everything again.
      if (take.some((_, i) => failed(1 + i)) || failed(1 + 2 * take.length)) throw new BatchOutdatedError(`the batch on ${chain.name} changed while it was being submitted`, { cause: error });
      // Another payout or sweep took nonces or balance meanwhile, or a concurrent write conflicted: race again.
      continue;
    }
    // In nonce order, in one request: a node need not hold a later nonce until the earlier arrives.
    const outcomes = await broadcastBatchQuietly(deps, payouts, signed.map((t) => t.raw));
    outcomes.forEach((outcome, i) => {
      // One line per payout of the batch, naming its payment: the log formatter adds that payment's trace id.
      logger.info('payout broadcast', { step: 'chain', action: 'broadcast', payment_id: payouts[i]!.paymentId, chain: chain.name, tx_hash: signed[i]!.hash, nonce: firstNonce + i, outcome });
      results.push({ kind: outcome === 'stuck' ? 'stuck' : 'submitted', candidate: take[i]! });
    });
    results.push(...short.map((c) => ({ kind: 'short' as const, candidate: c, amount: c.amount, balances, inFlight })));
    break;
  }
  return results;
}

/**
 * Each candidate priced at its estimated gas; those whose estimate the token refused are allocated
 * already, before anything touched a nonce: short (the hot wallet lacks the tokens) or refused.
 */
async function priceCandidates(
  adapter: ChainAdapter, chain: Chain, candidates: Candidate[], gasLimits: (bigint | 'rejected')[], gasPrice: bigint,
): Promise<{ priced: Priced[]; results: Allocation[] }> {
  const results: Allocation[] = [];
  const priced: Priced[] = [];
  let latest: Balances | undefined;
  for (const [index, candidate] of candidates.entries()) {
    const gasLimit = gasLimits[index]!;
    const amount = amountOf(chain, candidate.payment);
    if (gasLimit !== 'rejected') {
      priced.push({ ...candidate, amount, gasLimit, gasWei: gasLimit * gasPrice });
      continue;
    }
    latest ??= await adapter.balances();
    if ((latest.tokens[candidate.payment.asset] ?? 0n) < amount) results.push({ kind: 'short', candidate, amount, balances: latest, inFlight: { amounts: {}, gasWei: 0n } });
    else results.push({ kind: 'destination_rejected', candidate });
  }
  return { priced, results };
}

/** The payout records of a signed batch: nonces from firstNonce up, each with its reservation and its signed bytes. */
function signedPayouts(
  at: { chain: string; wallet: string; keyId: string; firstNonce: number }, take: Priced[], signed: SignedTransaction[], nowMs: number,
): Payout[] {
  return take.map((candidate, index) => ({
    paymentId: candidate.payment.id, merchantId: candidate.merchantId, chain: at.chain, wallet: at.wallet, keyId: at.keyId, status: 'pending', nonce: at.firstNonce + index,
    reserved: { asset: candidate.payment.asset, amount: candidate.amount.toString(), gasWei: candidate.gasWei.toString() } satisfies PayoutReservation,
    attempts: [{ kind: 'payout', hash: signed[index]!.hash, raw: signed[index]!.raw, fees: feesToItem(signed[index]!.fees), atMs: nowMs }],
    version: (candidate.existing?.version ?? 0) + 1, createdAtMs: candidate.existing?.createdAtMs ?? nowMs,
  }));
}

/** In batch order, each payout against the balance less what is in flight and what the batch took before it. */
function splitByLiquidity(chain: Chain, priced: Priced[], balances: Balances, inFlight: InFlight): { take: Priced[]; short: Priced[] } {
  const running: InFlight = { amounts: { ...inFlight.amounts }, gasWei: inFlight.gasWei };
  const take: Priced[] = [];
  const short: Priced[] = [];
  for (const c of priced) {
    const check = liquidityShortfall({ chain, asset: c.payment.asset, amount: c.amount, gasWei: c.gasWei, balances, inFlight: running });
    if (check.tokenShort || check.gasShort) {
      short.push(c);
      continue;
    }
    take.push(c);
    running.amounts[c.payment.asset] = (running.amounts[c.payment.asset] ?? 0n) + c.amount;
    running.gasWei += c.gasWei;
  }
  return { take, short };
}

function amountOf(chain: Chain, payment: Payment): bigint {
  const token = chain.assets.find((a) => a.symbol === payment.asset)!;
  return toChainUnits(BigInt(payment.amount_captured), payment.asset, token.decimals);
}

async function estimate(adapter: ChainAdapter, candidate: Candidate, amount: bigint): Promise<bigint | 'rejected'> {
  try {
    return await adapter.estimatePayoutGas({ asset: candidate.payment.asset, to: payoutAddress(candidate.payment), amount });
  } catch (error) {
    if (error instanceof PayoutRejectedError) return 'rejected';
    throw error;
  }
}

/** Balances as of the chain's confirmation depth, the depth at which payouts leave the in-flight sums. */
async function balancesAtDepth(adapter: ChainAdapter, chain: Chain): Promise<Balances> {
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
