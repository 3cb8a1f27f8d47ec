import { Interface, Transaction } from 'ethers';
import * as z from 'zod';
import type { Chain, ChainAdapter, Receipt } from '#chains';
import { toChainUnits } from '#ledger';
import { readPaymentRecord, readPayout, readSweep, type PaymentRecord, type Payout, type PayoutAttempt } from '#money';
import { readItem } from '#platform';
import { readTransfer } from '../transfers/steps.js';
import type { ReconcileDeps } from './deps.js';
import type { DiscrepancyKind, Finding } from './findings.js';
import { nonceItemsAfter } from './items.js';

const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);

/** A nonce item names what took the nonce: a sweep, a treasury move out of the hot wallet, or else a payment's payout. */
const nonceOwnerSchema = z.union([
  z.object({ sk: z.string(), sweepId: z.string() }),
  z.object({ sk: z.string(), transferId: z.string() }),
  z.object({ sk: z.string(), paymentId: z.string() }),
]);

/** A move's nonces are settled once its transaction is final at depth: it succeeded, failed, or (across chains) burned and went on to the mint. */
const moveSettled = ['burned', 'minting', 'succeeded', 'failed'];

/**
 * Walks a hot wallet's nonces (NONCE#<chain>#<wallet>, one item per nonce Lanepay took) from the
 * last one verified, comparing each settled payout with the chain, and stops at the first payout
 * still in flight (its nonce and the later ones are not settled yet). Yields every disagreement
 * and, last, the nonce verified up to; the caller stores it.
 */
export async function* settledNonceDiscrepancies(
  deps: ReconcileDeps, chain: Chain, wallet: string, fromNonce: number,
): AsyncGenerator<{ finding?: Finding<DiscrepancyKind>; verifiedNonce: number }> {
  const adapter = deps.adapter(chain.name);
  for await (const item of nonceItemsAfter(deps, chain.name, wallet, fromNonce)) {
    const owner = readItem(nonceOwnerSchema, item);
    const nonce = Number(owner.sk);
    if ('sweepId' in owner) {
      // Sweeps share the wallet's nonces (lib/money/sweeps) and move only platform money: chain-check
      // settles them; here a final one is passed over and one in flight ends the walk, as payouts do.
      const sweep = await readSweep(deps, owner.sweepId);
      if (!sweep || (sweep.status !== 'succeeded' && sweep.status !== 'failed')) return;
      yield { verifiedNonce: nonce };
      continue;
    }
    if ('transferId' in owner) {
      // A treasury move out of the hot wallet (lib/treasury/moves) takes the wallet's nonces too (an
      // exact approve and its burn across chains): the treasury function settles it and books it;
      // here a settled one is passed over and one in flight ends the walk, as sweeps.
      const transfer = await readTransfer(deps, owner.transferId).catch(() => undefined);
      if (!transfer || !moveSettled.includes(transfer.status)) return;
      yield { verifiedNonce: nonce };
      continue;
    }
    const payout = await readPayout(deps, owner.paymentId);
    if (!payout || (payout.status !== 'succeeded' && payout.status !== 'failed')) return;
    const record = await readPaymentRecord(deps, payout.paymentId);
    const finding = record ? await compare(adapter, chain, payout, record) : undefined;
    yield { ...(finding ? { finding } : {}), verifiedNonce: nonce };
  }
}

/** What the ledger says of one settled payout against what the chain mined for its nonce. */
async function compare(adapter: ChainAdapter, chain: Chain, payout: Payout, record: PaymentRecord): Promise<Finding<DiscrepancyKind> | undefined> {
  const { payment } = record;
  const raise = (kind: DiscrepancyKind, detail: string): Finding<DiscrepancyKind> => ({ kind, subject: payment.id, chain: chain.name, detail: `nonce ${payout.nonce}: ${detail}` });
  const mined = await minedAttempt(adapter, payout);
  if (payment.status === 'failed') {
    if (mined?.attempt.kind === 'payout' && mined.receipt.succeeded) return raise('failed_but_paid', `failed (${payment.failure_code}) but ${mined.receipt.hash} was mined`);
    return undefined;
  }
  if (payment.status !== 'succeeded') return undefined; // another status is the payments pass's business
  if (!mined) return raise('paid_without_receipt', `tx_hash ${payment.tx_hash} has no receipt`);
  if (mined.attempt.kind !== 'payout' || !mined.receipt.succeeded) {
    return raise('paid_but_reverted', `mined ${mined.receipt.hash} is ${mined.attempt.kind === 'fill' ? 'the nonce fill' : 'reverted'}`);
  }
  if (payment.tx_hash?.toLowerCase() !== mined.receipt.hash.toLowerCase()) return raise('tx_hash_mismatch', `payment says ${payment.tx_hash}, chain mined ${mined.receipt.hash}`);
  const token = chain.assets.find((a) => a.symbol === payment.asset);
  const sent = token ? transferOf(Transaction.from(mined.attempt.raw), token.address) : undefined;
  if (!token || !sent) return raise('paid_but_reverted', `mined ${mined.receipt.hash} is not a ${payment.asset} transfer`);
  const { to, amount } = sent;
  const expected = toChainUnits(BigInt(payment.amount_captured), payment.asset, token.decimals);
  if (amount !== expected) return raise('amount_mismatch', `captured ${payment.amount_captured} (${expected} on chain), mined ${amount}`);
  if (to.toLowerCase() !== payment.destination?.toLowerCase()) return raise('destination_mismatch', `destination ${payment.destination}, mined to ${to}`);
  return undefined;
}

/** Recipient and amount of a signed transfer: the token's `transfer` call, or the value of a native one. */
function transferOf(sent: Transaction, tokenAddress: string): { to: string; amount: bigint } | undefined {
  if (tokenAddress === 'native') return sent.to ? { to: sent.to, amount: sent.value } : undefined;
  if (sent.to?.toLowerCase() !== tokenAddress.toLowerCase()) return undefined;
  const call = erc20.parseTransaction({ data: sent.data });
  if (call?.name !== 'transfer') return undefined;
  return { to: String(call.args[0]), amount: BigInt(call.args[1] as bigint) };
}

/** The attempt whose transaction the chain mined for the nonce, if any (at most one can be). */
async function minedAttempt(adapter: ChainAdapter, payout: Payout): Promise<{ attempt: PayoutAttempt; receipt: Receipt } | undefined> {
  for (const attempt of [...payout.attempts].reverse()) {
    const receipt = await adapter.receipt(attempt.hash);
    if (receipt) return { attempt, receipt };
  }
  return undefined;
}
