import type { ChainRegistry } from '#chains';
import { toChainUnits } from '#ledger';
import type { PaymentRecord } from '#money';
import type { MinedTransfer, MinedTransferReader } from './chain-transfers.js';
import type { Row } from './columns.js';

/**
 * Why a payout's ledger record and its chain disagree; a row may carry several. `paid_but_failed`:
 * the ledger paid the merchant back, yet the chain moved the money.
 */
export const mismatchKinds = [
  'missing_tx_hash', 'missing_on_chain', 'reverted_on_chain', 'no_token_transfer', 'amount_mismatch', 'destination_mismatch', 'paid_but_failed',
] as const;
export type MismatchKind = (typeof mismatchKinds)[number];

/** Payments whose money left the merchant's balance towards the chain; the others never reach it. */
const reconciledStatuses = new Set(['processing', 'succeeded', 'failed']);

export function isReconciled(record: PaymentRecord): boolean {
  return reconciledStatuses.has(record.payment.status);
}

/** What the ledger says of a payout against what the chain mined for its tx hash. */
export function payoutMismatches(record: PaymentRecord, expectedChainAmount: bigint | undefined, mined: MinedTransfer | undefined): MismatchKind[] {
  const { payment } = record;
  // A claim refund's payout has no destination until its payer claims it (it is not mined before).
  const destination = payment.destination?.toLowerCase();
  const paid = mined?.succeeded ? mined.transfers.find((t) => t.to.toLowerCase() === destination) ?? mined.transfers[0] : undefined;
  if (payment.status === 'failed') return paid ? ['paid_but_failed'] : [];
  if (payment.status !== 'succeeded') return []; // in flight: chain-check decides it
  if (!payment.tx_hash) return ['missing_tx_hash'];
  if (!mined) return ['missing_on_chain'];
  if (!mined.succeeded) return ['reverted_on_chain'];
  if (!paid) return ['no_token_transfer'];
  const kinds: MismatchKind[] = [];
  if (paid.amount !== expectedChainAmount) kinds.push('amount_mismatch');
  if (paid.to.toLowerCase() !== destination) kinds.push('destination_mismatch');
  return kinds;
}

/** Counts of each mismatch kind over a report, filled while its rows are written. */
export type MismatchSummary = Partial<Record<MismatchKind, number>>;

/**
 * The payouts_reconciliation row of each payout (a refund's included) among `pages` of records: the
 * ledger's amount and fee, the amount it should have moved on chain (the token's units), and what
 * the chain mined for its tx hash (block, amount, recipient, the hot wallet and the gas it paid),
 * with its mismatches, a page of rows per page of records. Each mismatch is also counted in `summary`.
 */
export async function* reconciliationRows(
  chains: ChainRegistry, read: MinedTransferReader, pages: AsyncIterable<PaymentRecord[]>, summary: MismatchSummary,
): AsyncGenerator<Row[]> {
  for await (const records of pages) {
    const rows: Row[] = [];
    for (const record of records.filter(isReconciled)) rows.push(await reconciliationRow(chains, read, record, summary));
    yield rows;
  }
}

async function reconciliationRow(chains: ChainRegistry, read: MinedTransferReader, record: PaymentRecord, summary: MismatchSummary): Promise<Row> {
  const { payment } = record;
  const token = chains.get(payment.chain)?.assets.find((asset) => asset.symbol === payment.asset);
  const expected = token ? toChainUnits(BigInt(payment.amount_captured), payment.asset, token.decimals) : undefined;
  const mined = token && payment.tx_hash ? await read(payment.chain, payment.tx_hash, token.address) : undefined;
  const kinds = payoutMismatches(record, expected, mined);
  for (const kind of kinds) summary[kind] = (summary[kind] ?? 0) + 1;
  const paid = mined?.transfers.find((t) => t.to.toLowerCase() === payment.destination?.toLowerCase()) ?? mined?.transfers[0];
  return [
    payment.id, record.refund?.id ?? null, payment.status, payment.asset, payment.chain, payment.destination,
    payment.amount_captured, payment.fee, expected?.toString() ?? null,
    payment.tx_hash, mined ? String(mined.blockNumber) : null, paid ? paid.amount.toString() : null, paid?.to ?? null,
    mined?.from ?? null, mined ? mined.gasUsed.toString() : null, mined ? mined.effectiveGasPriceWei.toString() : null,
    mined ? (mined.gasUsed * mined.effectiveGasPriceWei).toString() : null,
    payment.created_at, kinds.length ? kinds.join(';') : null,
  ];
}
