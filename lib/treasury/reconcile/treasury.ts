import { paginateQuery } from '@aws-sdk/client-dynamodb';
import { sweepDestination, type Chain } from '#chains';
import { ledgerDecimals, platformAccountBalance } from '#ledger';
import { sweepFromItem, sweepsInFlightPartition } from '#money';
import { readOpenTransfers } from '../transfers/steps.js';
import type { ReconcileDeps } from './deps.js';
import type { DiscrepancyKind, Finding } from './findings.js';

/** Open transfers read per check: one proposal per Safe is open at a time, so a few per chain. */
const openTransfersRead = 100;

/** What one chain's treasury comparison came to. */
export type TreasuryVerdict =
  | { outcome: 'match' }
  | { outcome: 'mismatch'; finding: Finding<DiscrepancyKind> }
  /** Money on its way in or out that the chain may show and the ledger not yet (or the reverse): compared on a later run. */
  | { outcome: 'skipped'; reason: string };

/**
 * The chain's treasury Safe against the ledger: its on-chain balance of each ledger asset, in
 * ledger units, must equal the posted balance of `treasury:<chain>`, with nothing pending on it.
 *
 * The hot wallets are compared apart (hot-wallet.ts): they are never idle, so they are compared
 * exactly at a pinned block rather than skipped while anything moves.
 *
 * Money in flight is not a difference. While a treasury transfer of the chain is `executing` (its
 * Safe transaction sent, the ledger posts when it is recorded mined) or `minting` into this chain's
 * treasury, or a sweep into this treasury is requested or pending (the ledger posts at its
 * confirmation depth), the chain is skipped and says so. What is in flight is read before and
 * after the balances, so a movement that starts while they are read is not missed.
 */
export async function compareTreasury(deps: ReconcileDeps, chain: Chain): Promise<TreasuryVerdict> {
  const treasury = chain.treasury;
  if (!treasury) return { outcome: 'match' };
  const before = await inFlight(deps, chain);
  if (before) return { outcome: 'skipped', reason: before };
  const adapter = deps.adapter(chain.name);
  const differences: string[] = [];
  /** Per asset its difference (chain − ledger) and anything pending, e.g. `USDC+5000000`: what the finding is keyed on. */
  const keys: string[] = [];
  for (const asset of chain.assets) {
    const decimals = ledgerDecimals[asset.symbol];
    if (decimals === undefined || asset.address === 'native') continue;
    const ledger = await platformAccountBalance(deps, `treasury:${chain.name}`, asset.symbol);
    const onChain = (await adapter.tokenBalance(treasury.safe, asset.symbol)) / 10n ** BigInt(asset.decimals - decimals);
    if (ledger.pendingMinor !== 0n) {
      differences.push(`${asset.symbol}: ${ledger.pendingMinor} pending on treasury:${chain.name}, which only ever posts`);
      keys.push(`${asset.symbol}pending${signed(ledger.pendingMinor)}`);
    }
    if (ledger.postedMinor !== onChain) {
      differences.push(`${asset.symbol}: Safe ${treasury.safe} holds ${onChain}, treasury:${chain.name} says ${ledger.postedMinor} (${signed(onChain - ledger.postedMinor)})`);
      keys.push(`${asset.symbol}${signed(onChain - ledger.postedMinor)}`);
    }
  }
  const after = await inFlight(deps, chain);
  if (after) return { outcome: 'skipped', reason: after };
  if (differences.length === 0) return { outcome: 'match' };
  return {
    outcome: 'mismatch',
    // The subject carries the difference: the same standing difference is announced once, a new one again.
    finding: { kind: 'treasury_mismatch', subject: `treasury:${chain.name}:${keys.join(':')}`, chain: chain.name, detail: differences.join('; ') },
  };
}

const signed = (value: bigint) => (value > 0n ? `+${value}` : String(value));

/** Why the chain's treasury cannot be compared now, or undefined when nothing moves into or out of it. */
async function inFlight(deps: ReconcileDeps, chain: Chain): Promise<string | undefined> {
  // The open transfers only (their index, read consistently item by item): a bounded read, however many transfers were ever made.
  for (const transfer of await readOpenTransfers(deps, openTransfersRead)) {
    if (transfer.status === 'executing' && (transfer.from.chain === chain.name || (transfer.to.chain === chain.name && transfer.to.account === 'treasury'))) {
      return `treasury transfer ${transfer.id} is executing: its Safe transaction may have mined before the ledger records it`;
    }
    if (transfer.status === 'minting' && transfer.to.chain === chain.name && transfer.to.account === 'treasury') {
      return `treasury transfer ${transfer.id} is minting into this treasury: the mint may have mined before the ledger records it`;
    }
  }
  for await (const page of paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: sweepsInFlightPartition(chain.name) } },
  })) {
    for (const item of page.Items ?? []) {
      const sweep = sweepFromItem(item);
      // A requested sweep is signed with the setting of that moment; until then, today's setting says where it will go.
      if ((sweep.to ?? sweepDestination(chain)) === 'treasury') return `sweep ${sweep.id} into this treasury is ${sweep.status}: the ledger posts it at its confirmation depth`;
    }
  }
  return undefined;
}
