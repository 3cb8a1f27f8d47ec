import { AbiCoder, getAddress, Interface, keccak256, ZeroAddress } from 'ethers';
import { burnCalls } from '../transfers/cctp.js';
import type { HotWalletMove, TransferRoute } from '../transfers/items.js';

const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);

/** What a move's hash commits to besides the move itself: the transfer it belongs to, as members see it. */
export interface MoveSubject {
  transferId: string;
  asset: string;
  /** Ledger minor units (the transfer's `amount`). */
  amountMinor: bigint;
  route: TransferRoute;
}

/**
 * The hash a hot wallet move's approval holds: keccak256 of the ABI encoding of every field the key
 * signs (chain id, source wallet, token, amount in chain units, recipient, and across chains the
 * messenger, destination domain, mint recipient and destination caller), with the transfer's id,
 * asset, ledger amount and route. Recomputed from the stored move before anything is signed: a
 * transfer item rewritten after its approval (another recipient, another amount) no longer matches.
 */
export function moveHash(subject: MoveSubject, move: Omit<HotWalletMove, 'hash'>): string {
  const cctp = move.cctp;
  return keccak256(AbiCoder.defaultAbiCoder().encode(
    ['string', 'string', 'string', 'uint256', 'string', 'uint256', 'address', 'address', 'uint256', 'address', 'bool', 'address', 'uint32', 'address', 'address'],
    [
      'lanepay.treasury.hot-wallet-move.v1', subject.transferId, subject.asset, subject.amountMinor, subject.route,
      move.chainId, getAddress(move.wallet), getAddress(move.token), BigInt(move.amount), getAddress(move.recipient),
      cctp !== undefined, getAddress(cctp?.tokenMessenger ?? ZeroAddress), cctp?.destinationDomain ?? 0,
      getAddress(cctp?.mintRecipient ?? ZeroAddress), getAddress(cctp?.destinationCaller ?? ZeroAddress),
    ],
  ));
}

/** The move with its hash. */
export function sealedMove(subject: MoveSubject, move: Omit<HotWalletMove, 'hash'>): HotWalletMove {
  return { ...move, hash: moveHash(subject, move) };
}

/**
 * The calls the hot wallet's key signs for a move, in nonce order: one ERC-20 transfer to the
 * recipient on one chain; across chains an `approve` of exactly the amount to the TokenMessenger,
 * then its `depositForBurn` towards the mint recipient, relayed only by the destination caller.
 * The exact approve takes its own nonce first (rather than a standing allowance): the messenger can
 * never burn more than the approved move, and what a reverted burn leaves approved is only usable
 * by a burn the hot wallet itself sends.
 */
export function moveCalls(move: HotWalletMove): { to: string; data: string }[] {
  const amount = BigInt(move.amount);
  if (!move.cctp) return [{ to: getAddress(move.token), data: erc20.encodeFunctionData('transfer', [getAddress(move.recipient), amount]) }];
  return burnCalls({
    usdc: move.token, tokenMessenger: move.cctp.tokenMessenger, amountMinor: amount,
    destinationDomain: move.cctp.destinationDomain, mintRecipient: move.cctp.mintRecipient, destinationCaller: move.cctp.destinationCaller,
  });
}
