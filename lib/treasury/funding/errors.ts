import { LanepayError } from '#platform';

/** Funding asked on a chain the registry does not list, or treasury funding on one without a treasury Safe. */
export class FundingChainError extends LanepayError<'treasury_funding_no_treasury'> {
  override name = 'FundingChainError';
  constructor(readonly chain: string, why: string) {
    super('treasury_funding_no_treasury', `Chain ${chain} ${why}: there is no account to book funding into.`);
  }
}

/** The chain has no receipt for the transaction (unknown, or not mined yet): nothing is booked. */
export class FundingTxNotFoundError extends LanepayError<'treasury_funding_tx_not_found'> {
  override name = 'FundingTxNotFoundError';
  constructor(readonly chain: string, readonly txHash: string) {
    super('treasury_funding_tx_not_found', `Chain ${chain} has no receipt for ${txHash}: it is unknown or not mined yet.`);
  }
}

/** The transaction reverted: it moved nothing. */
export class FundingTxRevertedError extends LanepayError<'treasury_funding_tx_reverted'> {
  override name = 'FundingTxRevertedError';
  constructor(readonly chain: string, readonly txHash: string) {
    super('treasury_funding_tx_reverted', `${txHash} reverted on ${chain}: it moved nothing.`);
  }
}

/**
 * The transaction's block is not final yet (fewer confirmations than the chain registry asks, at
 * least its documented finality) or is no longer canonical (a reorg): booked money could vanish.
 */
export class FundingNotFinalError extends LanepayError<'treasury_funding_not_final'> {
  override name = 'FundingNotFinalError';
  constructor(readonly chain: string, readonly txHash: string, readonly confirmations: number, readonly required: number) {
    super('treasury_funding_not_final', confirmations < required
      ? `${txHash} on ${chain} has ${confirmations} confirmation(s) of the ${required} the chain needs to be final: book it once it has them.`
      : `${txHash} on ${chain} is in a block the chain no longer holds (a reorg): look it up again.`,
    { extensions: { confirmations, required } });
  }
}

/** The transaction paid no token the ledger carries to the chain's treasury Safe: there is nothing to book. */
export class FundingNotToTreasuryError extends LanepayError<'treasury_funding_not_to_treasury'> {
  override name = 'FundingNotToTreasuryError';
  constructor(readonly chain: string, readonly txHash: string, readonly safe: string) {
    super('treasury_funding_not_to_treasury', `${txHash} on ${chain} pays no ledger asset to the treasury Safe ${safe}: nothing was booked.`);
  }
}

/** The transaction paid no token the ledger carries to any of the chain's hot wallets: there is nothing to book. */
export class FundingNotToHotWalletError extends LanepayError<'treasury_funding_not_to_hot_wallet'> {
  override name = 'FundingNotToHotWalletError';
  constructor(readonly chain: string, readonly txHash: string, readonly wallets: string[]) {
    super('treasury_funding_not_to_hot_wallet', `${txHash} on ${chain} pays no ledger asset to a hot wallet of the chain (${wallets.join(', ')}) from outside Lanepay: nothing was booked.`);
  }
}

/**
 * The transaction was sent by one of Lanepay's own keys (a hot wallet: a sweep or a payout; the
 * relayer: a Safe execution or a CCTP mint): its money is booked by its own step, and booking it
 * as funding too would count it twice.
 */
export class FundingOwnTransactionError extends LanepayError<'treasury_funding_own_transaction'> {
  override name = 'FundingOwnTransactionError';
  constructor(readonly chain: string, readonly txHash: string, readonly sender: string) {
    super('treasury_funding_own_transaction', `${txHash} on ${chain} was sent by Lanepay's own ${sender}: the movement it made is booked by its own step, not as funding.`);
  }
}
