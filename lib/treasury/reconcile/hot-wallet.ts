import * as z from 'zod';
import type { Chain, ChainAdapter } from '#chains';
import { ledgerDecimals, platformAccountTotals, type PlatformAccountTotals } from '#ledger';
import { hotWalletAddresses, readPayout, readSweep, type PayoutAttempt } from '#money';
import { readItem } from '#platform';
import { readOpenTransfers } from '../transfers/steps.js';
import type { TreasuryTransfer } from '../transfers/items.js';
import type { ReconcileDeps } from './deps.js';
import type { DiscrepancyKind, Finding } from './findings.js';
import { nonceItemsAfter, readCursor } from './items.js';

/** Open treasury transfers read per comparison (one proposal per Safe is open at a time: a few per chain). */
const openTransfersRead = 100;
/** Nonces walked per wallet past the last one the settled-payout pass verified: more, and the chain waits for that pass to catch up. */
const maxNoncesWalked = 1_000;
/** Reads of the ledger that saw it move while the chain was read, before the chain is left for a later run. */
const maxAttempts = 3;

/** What one chain's hot-wallet comparison came to; `wallets` is how many hot wallets were compared. */
export type HotWalletVerdict =
  | { outcome: 'match'; wallets: number }
  | { outcome: 'mismatch'; wallets: number; finding: Finding<DiscrepancyKind> }
  | { outcome: 'skipped'; reason: string };

/** One ledger asset of the chain: an ERC-20 (the native gas asset is not in the ledger) with its factor down to ledger units. */
interface LedgerAsset { symbol: string; address: string; scale: bigint }

/**
 * The sum of the chain's hot wallets (current and retired: `hotwallet:<chain>` is one account per
 * chain) against `hotwallet:<chain>`, per ERC-20 ledger asset, exactly, at one pinned block B:
 *
 *   1. the account's running sums are read (the ledger before);
 *   2. B is the chain's head, read after them: whatever the ledger had posted was mined at or before B;
 *   3. what mined at or before B but the ledger has not posted yet is counted from its record and its
 *      receipt: each nonce of each hot wallet past the last one the settled-payout pass verified whose
 *      payout or sweep is not final (its mined attempt's Transfer logs into and out of the hot wallets),
 *      and each open treasury transfer into a hot wallet of the chain (its execution or mint);
 *   4. the balances are read at B, and the ledger again: if its posted sums moved, something posted
 *      while the chain was read and step 3 may have missed it: start over (three times, then skip).
 *
 * Then chain(B) − not yet posted = ledger, to the unit (in ledger units, the chain's sum rounded
 * down), with nothing pending on the account. Final payouts and sweeps post in the transaction that
 * makes them final, so "not final when read" is "not posted when the ledger was read". The native
 * gas asset is not in the ledger (gas is not booked) and is not compared. A treasury move OUT of a
 * hot wallet (chain-submit signs it) is rare: the chain is skipped while one is executing.
 */
export async function compareHotWallets(deps: ReconcileDeps, chain: Chain): Promise<HotWalletVerdict> {
  const assets = ledgerAssets(chain);
  if (assets.length === 0) return { outcome: 'match', wallets: 0 };
  const adapter = deps.adapter(chain.name);
  const wallets = await hotWalletAddresses(deps, chain, adapter);
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const before = await ledgerTotals(deps, chain, assets);
    const block = await adapter.headBlock();
    const unposted = await unpostedAt(deps, chain, adapter, wallets, assets, block);
    if ('skip' in unposted) return { outcome: 'skipped', reason: unposted.skip };
    const held = new Map<string, bigint>();
    for (const asset of assets) {
      const balances = await Promise.all(wallets.map((wallet) => adapter.tokenBalance(wallet, asset.symbol, block)));
      held.set(asset.symbol, balances.reduce((sum, balance) => sum + balance, 0n));
    }
    const after = await ledgerTotals(deps, chain, assets);
    if (!samePosted(before, after)) continue;
    return verdict(chain, wallets, assets, block, held, unposted, after);
  }
  return { outcome: 'skipped', reason: `hotwallet:${chain.name} moved while the chain was read, ${maxAttempts} times: compared on a later run` };
}

function ledgerAssets(chain: Chain): LedgerAsset[] {
  return chain.assets.flatMap((asset) => {
    const decimals = ledgerDecimals[asset.symbol];
    if (asset.address === 'native' || decimals === undefined) return [];
    return [{ symbol: asset.symbol, address: asset.address.toLowerCase(), scale: 10n ** BigInt(asset.decimals - decimals) }];
  });
}

async function ledgerTotals(deps: ReconcileDeps, chain: Chain, assets: LedgerAsset[]): Promise<Map<string, PlatformAccountTotals>> {
  return new Map(await Promise.all(assets.map(async (asset) => [asset.symbol, await platformAccountTotals(deps, `hotwallet:${chain.name}`, asset.symbol)] as const)));
}

function samePosted(before: Map<string, PlatformAccountTotals>, after: Map<string, PlatformAccountTotals>): boolean {
  return [...before].every(([symbol, totals]) => {
    const now = after.get(symbol)!;
    return totals.debitsPosted === now.debitsPosted && totals.creditsPosted === now.creditsPosted
      && totals.debitsPending === now.debitsPending && totals.creditsPending === now.creditsPending;
  });
}

/** Mined at or before the block, not posted: per asset the net it moved into the hot wallets (chain units), and how many movements. */
interface Unposted { net: Map<string, bigint>; movements: number }

async function unpostedAt(
  deps: ReconcileDeps, chain: Chain, adapter: ChainAdapter, wallets: string[], assets: LedgerAsset[], block: number,
): Promise<Unposted | { skip: string }> {
  const unposted: Unposted = { net: new Map(assets.map((asset) => [asset.symbol, 0n])), movements: 0 };
  const count = async (hashes: string[]) => {
    const moved = await minedEffect(adapter, hashes, wallets, assets, block);
    if (!moved) return;
    unposted.movements += 1;
    for (const [symbol, amount] of moved) unposted.net.set(symbol, unposted.net.get(symbol)! + amount);
  };
  for (const transfer of await readOpenTransfers(deps, openTransfersRead)) {
    const hashes = inboundTransferHashes(transfer, chain, wallets);
    if (hashes === 'skip') return { skip: `treasury transfer ${transfer.id} out of a hot wallet of ${chain.name} is ${transfer.status}: compared once it is posted` };
    await count(hashes);
  }
  for (const wallet of wallets) {
    const walked = await walkNonces(deps, chain, wallet, count);
    if (walked) return { skip: walked };
  }
  return unposted;
}

/**
 * The transactions of an open treasury transfer that may have paid a hot wallet of the chain before
 * the ledger posts it: its Safe execution (same chain) or its mint (across chains); none while it is
 * proposed or burned. `skip` for a move out of a hot wallet of the chain (lib/treasury/moves, signed
 * by chain-submit) while it is `executing`: signed and perhaps mined, posted only once final at depth
 * (or, across chains, once its burn is recorded); rare, so the chain waits a run rather than counting it.
 */
function inboundTransferHashes(transfer: TreasuryTransfer, chain: Chain, wallets: string[]): string[] | 'skip' {
  // A status outside the known ones is treated as in flight: a step added later cannot turn into a false finding.
  if (transfer.from.chain === chain.name && transfer.from.account === 'hot_wallet' && !['proposed', 'burned', 'minting'].includes(transfer.status)) return 'skip';
  if (transfer.to.chain !== chain.name || transfer.to.account !== 'hot_wallet' || !wallets.includes(transfer.to.address.toLowerCase())) return [];
  return [transfer.execTxHash, transfer.mintTxHash].filter((hash): hash is string => hash !== undefined);
}

/** A nonce item names what took the nonce: a sweep, a payment's payout, or a treasury move out of the hot wallet. */
const nonceOwnerSchema = z.object({ sk: z.string(), sweepId: z.string().optional(), paymentId: z.string().optional(), transferId: z.string().optional() });

/**
 * Each nonce Lanepay took on the wallet past the last one verified (RECONCILE#CURSOR: every nonce up
 * to it is final), read consistently: a transaction mined at or before the block was signed and
 * recorded before the block was read, so its nonce item is there. A payout or sweep not final is
 * counted; a final one is in the ledger already. Returns why the chain is skipped, if it is.
 */
async function walkNonces(deps: ReconcileDeps, chain: Chain, wallet: string, count: (hashes: string[]) => Promise<void>): Promise<string | undefined> {
  const from = await readCursor(deps, chain.name, wallet);
  let walked = 0;
  for await (const item of nonceItemsAfter(deps, chain.name, wallet, from)) {
    walked += 1;
    if (walked > maxNoncesWalked) return `hot wallet ${wallet} has over ${maxNoncesWalked} nonces past the last verified one (${from}): compared once the settled-payout pass catches up`;
    const owner = readItem(nonceOwnerSchema, item);
    const attempts = await openAttempts(deps, owner);
    if (attempts === 'unknown') return `nonce ${Number(owner.sk)} of ${wallet} names nothing the reconciler reads`;
    if (attempts.length > 0) await count(attempts.map((attempt) => attempt.hash));
  }
  return undefined;
}

/** The signed attempts of a nonce's payout or sweep while it is not final (none once it is: it is posted). */
async function openAttempts(deps: ReconcileDeps, owner: z.infer<typeof nonceOwnerSchema>): Promise<PayoutAttempt[] | 'unknown'> {
  if (owner.sweepId) {
    const sweep = await readSweep(deps, owner.sweepId);
    if (!sweep) return 'unknown';
    return sweep.status === 'succeeded' || sweep.status === 'failed' ? [] : sweep.attempts;
  }
  if (owner.paymentId) {
    const payout = await readPayout(deps, owner.paymentId);
    if (!payout) return 'unknown';
    return payout.status === 'succeeded' || payout.status === 'failed' ? [] : payout.attempts;
  }
  // A treasury move out of the hot wallet: the open transfers were checked (an executing one skips the chain); a later one is posted.
  return owner.transferId ? [] : 'unknown';
}

/**
 * What the one of these transactions that mined at or before the block moved into (+) and out of (−)
 * the hot wallets, per ledger asset in chain units, from its receipt's Transfer logs (a reverted one
 * moved nothing; a move between two hot wallets nets out). Undefined when none of them mined by then.
 */
async function minedEffect(adapter: ChainAdapter, hashes: string[], wallets: string[], assets: LedgerAsset[], block: number): Promise<Map<string, bigint> | undefined> {
  for (const hash of [...hashes].reverse()) {
    const mined = await adapter.tokenTransfers(hash);
    if (!mined || mined.receipt.blockNumber > block) continue;
    const net = new Map<string, bigint>();
    for (const transfer of mined.receipt.succeeded ? mined.transfers : []) {
      const asset = assets.find((entry) => entry.address === transfer.token.toLowerCase());
      if (!asset) continue;
      const sign = (wallets.includes(transfer.to.toLowerCase()) ? 1n : 0n) - (wallets.includes(transfer.from.toLowerCase()) ? 1n : 0n);
      net.set(asset.symbol, (net.get(asset.symbol) ?? 0n) + sign * transfer.amount);
    }
    return net;
  }
  return undefined;
}

function verdict(
  chain: Chain, wallets: string[], assets: LedgerAsset[], block: number,
  held: Map<string, bigint>, unposted: Unposted, ledger: Map<string, PlatformAccountTotals>,
): HotWalletVerdict {
  const differences: string[] = [];
  /** Per asset its difference (chain − ledger) and anything pending, e.g. `USDC-5000000`: what the finding is keyed on. */
  const keys: string[] = [];
  const account = `hotwallet:${chain.name}`;
  for (const asset of assets) {
    const totals = ledger.get(asset.symbol)!;
    const posted = totals.debitsPosted - totals.creditsPosted;
    const pending = totals.debitsPending - totals.creditsPending;
    const inFlight = unposted.net.get(asset.symbol)!;
    // What the hot wallets would hold at the block had the ledger posted everything mined by then.
    const settled = (held.get(asset.symbol)! - inFlight) / asset.scale;
    if (pending !== 0n) {
      differences.push(`${asset.symbol}: ${pending} pending on ${account}, which only ever posts`);
      keys.push(`${asset.symbol}pending${signed(pending)}`);
    }
    if (settled !== posted) {
      const flight = inFlight !== 0n ? `, ${signed(inFlight / asset.scale)} of it in ${unposted.movements} movement(s) mined but not posted yet` : '';
      differences.push(`${asset.symbol}: hot wallets ${wallets.join(', ')} hold ${held.get(asset.symbol)! / asset.scale} at block ${block}${flight}; ${account} says ${posted} (${signed(settled - posted)})`);
      keys.push(`${asset.symbol}${signed(settled - posted)}`);
    }
  }
  if (differences.length === 0) return { outcome: 'match', wallets: wallets.length };
  return {
    outcome: 'mismatch',
    wallets: wallets.length,
    // The subject carries the difference: the same standing difference is announced once, a new one again.
    finding: { kind: 'hot_wallet_mismatch', subject: `${account}:${keys.join(':')}`, chain: chain.name, detail: differences.join('; ') },
  };
}

const signed = (value: bigint) => (value > 0n ? `+${value}` : String(value));
