import { randomBytes } from 'node:crypto';
import { verifyMessage } from 'ethers';

/**
 * A claim's id is the only secret of its claim URL: whoever holds the URL may name an address. So
 * it is 128 random bits, not a ULID (whose random part only increments within a millisecond).
 */
export function newClaimId(): string {
  return `clm_${randomBytes(16).toString('hex')}`;
}

export const claimIdPattern = /^clm_[0-9a-f]{32}$/;

/** What a claim's message binds: the claim, its refund, what is paid where, and until when. */
export interface ClaimTerms {
  claimId: string;
  refundId: string;
  amountMinor: bigint;
  asset: string;
  chainId: number;
  expiresAt: string;
}

/**
 * The exact text the payer signs with EIP-191 (`personal_sign`) from `address`. Every field that
 * decides where money goes is in it, so a signature is good for this claim, this refund, this
 * amount on this chain, paid to this address, before this time, and nothing else: another claim's
 * or another address's signature recovers to an address that is not the one entered.
 * The address is written in lowercase, so its letter case as typed does not change the message and
 * the claim page can show the message as the payer types (checksumming needs keccak in the browser).
 */
export function claimMessage(terms: ClaimTerms, address: string): string {
  return claimMessageTemplate(terms).replace(claimAddressPlaceholder, address.toLowerCase());
}

/** Where the claim page writes the address the payer types into the message. */
export const claimAddressPlaceholder = '<your address>';

/** The claim's message with the address left as `claimAddressPlaceholder`. */
export function claimMessageTemplate(terms: ClaimTerms): string {
  return [
    'Lanepay refund claim',
    '',
    `Claim: ${terms.claimId}`,
    `Refund: ${terms.refundId}`,
    `Amount: ${terms.amountMinor} ${terms.asset} minor units`,
    `Chain ID: ${terms.chainId}`,
    `Address: ${claimAddressPlaceholder}`,
    `Expires: ${terms.expiresAt}`,
    '',
    'Signing this pays the refund to the address above. It costs nothing and moves no funds from it.',
  ].join('\n');
}

/** Why a claim's signature is refused, for the payer: it is not from `address`, or is no signature at all. */
export type SignatureCheck = { valid: true } | { valid: false; recovered: string | null };

/**
 * Checks that `signature` is `address`'s EIP-191 signature of the claim's message (ethers'
 * `verifyMessage` recovers the signer; it must be the address entered). Pure.
 */
export function checkClaimSignature(terms: ClaimTerms, address: string, signature: string): SignatureCheck {
  let recovered: string;
  try {
    recovered = verifyMessage(claimMessage(terms, address), signature);
  } catch {
    // Not a signature at all (bad length, s or v out of range): nobody signed anything.
    return { valid: false, recovered: null };
  }
  return recovered.toLowerCase() === address.toLowerCase() ? { valid: true } : { valid: false, recovered };
}
