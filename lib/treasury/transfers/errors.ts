import { LanepayError } from '#platform';

/**
 * A step of a treasury transfer asked of a transfer that is not where the step starts (another
 * worker took it, or it already moved on): nothing was written. The step's caller reads the transfer
 * again and goes on from where it is.
 */
export class TransferStepRefusedError extends LanepayError<'treasury_transfer_step_refused'> {
  override name = 'TransferStepRefusedError';
  constructor(readonly transferId: string, readonly step: string, readonly status: string) {
    super('treasury_transfer_step_refused', `Treasury transfer ${transferId} is ${status}: the step "${step}" does not start there, and nothing was written.`, { extensions: { status } });
  }
}

/**
 * A proposal for a Safe that already has one open: its SafeTx would take the same nonce, so only one
 * of them could ever execute. The next forecast run proposes again once the open one is done.
 */
export class TreasuryProposalOpenError extends LanepayError<'treasury_proposal_open'> {
  override name = 'TreasuryProposalOpenError';
  constructor(readonly chain: string, readonly safe: string) {
    super('treasury_proposal_open', `The treasury Safe ${safe} on ${chain} has a proposal open: one proposal at a time per Safe, each taking its next nonce.`);
  }
}

/** An owner asked to sign a transfer whose SafeTx is not the one its approval names: never signed. */
export class SafeTxMismatchError extends LanepayError<'treasury_safe_tx_mismatch'> {
  override name = 'SafeTxMismatchError';
  constructor(readonly transferId: string, approved: string, stored: string) {
    super('treasury_safe_tx_mismatch', `Treasury transfer ${transferId} holds SafeTx ${stored}, but its approval was given for ${approved}: nothing is signed.`);
  }
}
