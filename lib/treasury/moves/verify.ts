import { getAddress } from 'ethers';
import type { TreasuryTransfer } from '../transfers/items.js';
import { moveHash } from './move.js';

/**
 * Why a hot wallet's move must not be signed as it is stored, or undefined when it may: the
 * approval must hold the move's hash, and the stored move must still hash to it from every field
 * the key signs and every field members saw (a transfer item rewritten after its approval, to
 * another recipient or amount, no longer does), its source the transfer's source wallet and its
 * recipient the transfer's destination.
 */
export function moveMismatch(transfer: TreasuryTransfer, approvedMoveHash: string | undefined): string | undefined {
  const { move } = transfer;
  if (!move || transfer.from.account !== 'hot_wallet') return `${transfer.id} holds no hot wallet move`;
  if (!approvedMoveHash) return `the approval of ${transfer.id} binds no hot wallet move`;
  if (move.hash !== approvedMoveHash) return `move ${move.hash} is not the approved ${approvedMoveHash}`;
  const recomputed = moveHash({ transferId: transfer.id, asset: transfer.asset, amountMinor: BigInt(transfer.amount), route: transfer.route }, move);
  if (recomputed !== move.hash) return `the stored move hashes to ${recomputed}, not to the approved ${move.hash}: it was altered`;
  if (!transfer.from.address || getAddress(transfer.from.address) !== getAddress(move.wallet)) return `the move is not out of ${transfer.id}'s source wallet`;
  if (getAddress(transfer.to.address) !== getAddress(move.recipient)) return `the move pays ${move.recipient}, not ${transfer.id}'s destination ${transfer.to.address}`;
  if ((transfer.route === 'cctp') !== (move.cctp !== undefined) || transfer.route === 'safe') return `route ${transfer.route} does not match the move`;
  if (move.cctp && getAddress(move.cctp.mintRecipient) !== getAddress(move.recipient)) return 'the burn mints to another address than the move\'s recipient';
  return undefined;
}
