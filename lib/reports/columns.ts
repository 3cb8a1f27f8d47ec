import type { BalanceTransaction } from '#ledger';
import type { Charge } from '#money';
import type { ReportType } from './schemas.js';

/**
 * Every report is a table of text cells (null for none): amounts stay decimal strings of minor
 * units, as on the wire, so no reader rounds them; Athena and DuckDB cast them to DECIMAL(38,0).
 */
export type Cell = string | null;
export type Row = Cell[];

/** Each report type's columns, in file order (docs/reports.md describes them). */
export const reportColumns = {
  balance_transactions: ['id', 'type', 'amount', 'fee', 'net', 'asset', 'source', 'chain', 'tx_hash', 'balance_after', 'created'],
  charges: [
    'id', 'status', 'amount', 'asset', 'amount_received', 'amount_pending', 'fee', 'deposit_count', 'dust_count', 'dust_amount',
    'customer', 'description', 'metadata', 'created_at', 'expires_at', 'canceled_at',
  ],
  payouts_reconciliation: [
    'payment', 'refund', 'status', 'asset', 'chain', 'destination', 'ledger_amount', 'ledger_fee', 'expected_chain_amount',
    'tx_hash', 'block_number', 'chain_amount', 'chain_destination', 'hot_wallet', 'gas_used', 'effective_gas_price_wei', 'gas_paid_wei',
    'created_at', 'mismatch',
  ],
} as const satisfies Record<ReportType, readonly string[]>;

export function balanceTransactionRow(txn: BalanceTransaction): Row {
  return [txn.id, txn.type, txn.amount, txn.fee, txn.net, txn.asset, txn.source, txn.chain, txn.tx_hash, txn.balance_after, txn.created];
}

export function chargeRow(charge: Charge): Row {
  return [
    charge.id, charge.status, charge.amount, charge.asset, charge.amount_received, charge.amount_pending, charge.fee,
    String(charge.deposit_count), String(charge.dust_count), charge.dust_amount, charge.customer, charge.description,
    JSON.stringify(charge.metadata), charge.created_at, charge.expires_at, charge.canceled_at,
  ];
}
