import type { CheckoutView } from '#money';
import type { CheckoutMessages } from './messages.js';
import { fill, formatAmount } from './format.js';

/**
 * What the page says about a charge's status; shared by the server renderer and the browser script.
 * Bundled for the browser: type-only imports from modules that use Node.
 */
export interface StatusDisplay {
  /** The status line, e.g. "Paid" or "Underpaid: 1.00 USDC missing". */
  text: string;
  /** A second line telling the payer what to do next, or empty. */
  hint: string;
  /** Whether the payer can still pay: the address, QR code and countdown stay shown. */
  payable: boolean;
  /** Whether the charge can change no more, so the page stops listening. */
  final: boolean;
}

/** Statuses after which nothing the payer does changes the charge. */
const finalStatuses: ReadonlySet<string> = new Set(['succeeded', 'overpaid', 'expired', 'canceled']);

export function isFinalStatus(status: string): boolean {
  return finalStatuses.has(status);
}

/** What is still missing of an amount (minor units); zero for a top-up or once it is reached. */
export function missingMinor(view: Pick<CheckoutView, 'amount' | 'amount_received'>): bigint {
  if (view.amount === null) return 0n;
  const missing = BigInt(view.amount) - BigInt(view.amount_received);
  return missing > 0n ? missing : 0n;
}

export function statusDisplay(view: CheckoutView, messages: CheckoutMessages): StatusDisplay {
  const final = isFinalStatus(view.status);
  const payable = !final;
  switch (view.status) {
    case 'underpaid':
      return {
        text: fill(messages.status.underpaid, { missing: formatAmount(missingMinor(view), view.decimals), asset: view.asset }),
        hint: messages.underpaidHint,
        payable,
        final,
      };
    case 'succeeded':
    case 'overpaid':
      return { text: messages.status[view.status], hint: messages.paidHint, payable, final };
    case 'expired':
      return { text: messages.status.expired, hint: messages.expiredHint, payable, final };
    default:
      return { text: messages.status[view.status], hint: '', payable, final };
  }
}
