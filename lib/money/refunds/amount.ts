import { ValidationError } from '#platform';
import type { Charge } from '../charges/schemas.js';
import { ChargeNotRefundableError, NoExcessError, RefundExceedsChargeError } from './errors.js';

/**
 * How much a refund pays back, and the room its transaction's condition allows: the charge's refund
 * total before this refund must be at most `roomMinor`. Pure: `refundedMinor` is the total as read,
 * and the condition makes the answer hold when the write lands, whatever raced it.
 *
 * - no amount: all that the charge credited and not yet refunded;
 * - `"excess"`: what was paid over the charge's amount, less what was refunded already (refunds
 *   come out of the excess first), and the condition keeps every refund of it inside the excess;
 * - an amount: at most what is credited and not yet refunded.
 */
export function refundAmount(charge: Charge, refundedMinor: bigint, requested: string | undefined): { amountMinor: bigint; roomMinor: bigint } {
  const receivedMinor = BigInt(charge.amount_received);
  if (receivedMinor === 0n) throw new ChargeNotRefundableError(charge.id, charge.status);
  const refundableMinor = receivedMinor - refundedMinor;
  if (requested === 'excess') {
    if (charge.amount === null) throw new NoExcessError(charge.id, 'it is a top-up, which has no amount to exceed');
    const excessMinor = receivedMinor - BigInt(charge.amount) - refundedMinor;
    if (excessMinor <= 0n) {
      throw new NoExcessError(charge.id, receivedMinor > BigInt(charge.amount)
        ? `the ${receivedMinor - BigInt(charge.amount)} paid over its amount was refunded already`
        : `it received ${receivedMinor} of its ${charge.amount}`);
    }
    return { amountMinor: excessMinor, roomMinor: receivedMinor - BigInt(charge.amount) - excessMinor };
  }
  const amountMinor = requested === undefined ? refundableMinor : BigInt(requested);
  if (amountMinor <= 0n || amountMinor > refundableMinor) {
    throw new RefundExceedsChargeError(charge.id, amountMinor, refundableMinor < 0n ? 0n : refundableMinor);
  }
  return { amountMinor, roomMinor: receivedMinor - amountMinor };
}

/**
 * The chain a refund is paid on: the one asked for, which must be one the charge was paid on, or by
 * default the chain of the charge's first credited deposit (the chain the payer used). A charge
 * accepting one chain uses that one.
 */
export function refundChain(charge: Charge, asked: string | undefined): string {
  const paidOn = [...new Set(charge.deposits.filter((d) => d.status === 'credited').map((d) => d.chain))];
  const offered = charge.addresses.map((a) => a.chain);
  if (asked !== undefined) {
    if (!offered.includes(asked)) {
      throw new ValidationError(`Charge ${charge.id} was not payable on ${asked}; it accepts ${offered.join(', ')}.`, [{ field: 'chain', message: `must be one of ${offered.join(', ')}` }]);
    }
    return asked;
  }
  const chain = paidOn[0] ?? (offered.length === 1 ? offered[0] : undefined);
  if (chain === undefined) {
    throw new ValidationError(`Charge ${charge.id} accepts several chains; say which one to refund on.`, [{ field: 'chain', message: `required: one of ${offered.join(', ')}` }]);
  }
  return chain;
}
