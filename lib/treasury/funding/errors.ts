import { LanepayError } from '#platform';

/** Funding asked on a chain the registry does not list, or one without a treasury Safe. */
export class FundingChainError extends LanepayError<'treasury_funding_no_treasury'> {
  override name = 'FundingChainError';
  constructor(readonly chain: string, why: string) {
    super('treasury_funding_no_treasury', `Chain ${chain} ${why}: there is no treasury to book funding into.`);
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
