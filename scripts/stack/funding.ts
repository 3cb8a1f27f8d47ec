import { bookFunding, type FundingDeps, type FundingResult } from '#lib/treasury/funding/book.js';
import { FundingNotFinalError } from '#lib/treasury/funding/errors.js';
import type { FundingAccount } from '#lib/treasury/funding/items.js';

/**
 * Books a funding the stack (or a test) just mined, once its block has the confirmations the chain
 * registry asks: the local chains mine a block a second, so it waits for them rather than failing.
 * What `lanepay treasury fund [--into hot-wallet]` does for an operator, for money the stack put in
 * itself: a hot wallet or Safe funded without it would show as a standing difference to the reconciler.
 */
export async function bookFundingWhenFinal(deps: FundingDeps, input: { chain: string; txHash: string; into: FundingAccount }, timeoutMs = 60_000): Promise<FundingResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await bookFunding(deps, input);
    } catch (error) {
      if (!(error instanceof FundingNotFinalError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
