import { ChainUnavailableError, type Chain } from '#chains';
import type { ReconcileDeps, ReconcileOptions } from './deps.js';
import type { DiscrepancyKind, Finding, ReconcileReport } from './findings.js';
import { readCursor, raiseOnce, writeCursor } from './items.js';
import { unrelayedEvents } from './outbox.js';
import { stuckPayments } from './payments.js';
import { settledNonceDiscrepancies } from './chain.js';
import { compareHotWallets } from './hot-wallet.js';
import { compareTreasury } from './treasury.js';

/** Settled nonces compared per wallet and run: a first run on a long history catches up over several. */
const maxNoncesPerRun = 500;

/**
 * One reconciliation: outbox events never relayed (relayed again), payments in processing past the
 * age limit (their payout parked or re-checked once, raised when that did not help or when the
 * records disagree), every settled payout since the last run compared with its chain, each
 * chain's treasury Safe with `treasury:<chain>` (unless money is in flight to or from it), and each
 * chain's hot wallets with `hotwallet:<chain>` at a pinned block (hot-wallet.ts). Events
 * go first so a payment whose `payment.processing` was never relayed reaches chain-submit that way.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    dryRun: options.dryRun, olderThanSeconds: Math.round(options.olderThanMs / 1000),
    checked: { processingPayments: 0, unrelayedEvents: 0, settledNonces: 0, treasuries: 0, hotWallets: 0 }, redriven: [], raised: [], errors: [], skipped: [],
  };
  const raise = async (finding: Finding<DiscrepancyKind>) => {
    report.raised.push({ ...finding, newly: options.dryRun ? false : await raiseOnce(deps, finding) });
  };

  for await (const { finding, redrive } of unrelayedEvents(deps, options)) {
    report.checked.unrelayedEvents += 1;
    if (!options.dryRun) await redrive();
    report.redriven.push(finding);
  }

  for await (const verdict of stuckPayments(deps, options)) {
    report.checked.processingPayments += 1;
    if (verdict.action === 'raise') await raise(verdict.finding);
    if (verdict.action === 'redrive') {
      if (!options.dryRun) await verdict.redrive();
      report.redriven.push(verdict.finding);
    }
  }

  for (const chain of deps.chains.chains) {
    try {
      for (const wallet of await walletsOf(deps, chain)) await compareWallet(deps, options, report, raise, chain, wallet);
    } catch (error) {
      if (!(error instanceof ChainUnavailableError)) throw error;
      report.errors.push({ chain: chain.name, message: `settled payouts not compared: ${error.message}` });
    }
  }

  for (const chain of deps.chains.chains.filter((entry) => entry.treasury)) {
    try {
      const verdict = await compareTreasury(deps, chain);
      if (verdict.outcome === 'skipped') report.skipped.push({ chain: chain.name, account: 'treasury', reason: verdict.reason });
      else report.checked.treasuries += 1;
      if (verdict.outcome === 'mismatch') await raise(verdict.finding);
    } catch (error) {
      if (!(error instanceof ChainUnavailableError)) throw error;
      report.errors.push({ chain: chain.name, message: `treasury not compared: ${error.message}` });
    }
  }

  // After the settled-payout pass: its cursor, just moved, is where each wallet's walk of unposted nonces starts.
  for (const chain of deps.chains.chains) {
    try {
      const verdict = await compareHotWallets(deps, chain);
      if (verdict.outcome === 'skipped') report.skipped.push({ chain: chain.name, account: 'hot_wallets', reason: verdict.reason });
      else report.checked.hotWallets += verdict.wallets;
      if (verdict.outcome === 'mismatch') await raise(verdict.finding);
    } catch (error) {
      if (!(error instanceof ChainUnavailableError)) throw error;
      report.errors.push({ chain: chain.name, message: `hot wallets not compared: ${error.message}` });
    }
  }
  return report;
}

/** The chain's hot wallet and the platform's past ones (ownAddresses): a retired wallet's payouts still count. */
async function walletsOf(deps: ReconcileDeps, chain: Chain): Promise<string[]> {
  const current = await deps.adapter(chain.name).hotWalletAddress();
  return [...new Set([current, ...chain.ownAddresses].map((address) => address.toLowerCase()))];
}

async function compareWallet(
  deps: ReconcileDeps, options: ReconcileOptions, report: ReconcileReport,
  raise: (finding: Finding<DiscrepancyKind>) => Promise<void>, chain: Chain, wallet: string,
): Promise<void> {
  const from = await readCursor(deps, chain.name, wallet);
  let verified = from;
  for await (const step of settledNonceDiscrepancies(deps, chain, wallet, from)) {
    report.checked.settledNonces += 1;
    if (step.finding) await raise(step.finding);
    verified = step.verifiedNonce;
    if (verified - from >= maxNoncesPerRun) break;
  }
  if (!options.dryRun && verified > from) await writeCursor(deps, chain.name, wallet, verified);
}
