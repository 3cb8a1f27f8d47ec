import { getClaimView } from '#money';
import { NotFoundError } from '#platform';
import type { RefundDeps } from '#money';
import { chooseLanguage } from '../checkout/messages.js';
import { renderClaimNotFoundPage, renderClaimPage } from './render.js';
import { claimScript } from './script.js';
import { claimStyles } from './styles.js';

/**
 * A refund's claim page (its `claim_url`), reached by the claim id alone: the id is 128 random bits
 * and the only secret of the link (docs/refunds.md, Claim links). Unknown ids get the 404 page.
 */
export async function claimPage(
  deps: Pick<RefundDeps, 'dynamodb' | 'tableName' | 'now'>,
  request: { claimId: string; lang: string | undefined; acceptLanguage: string | undefined },
): Promise<{ status: number; html: string }> {
  const lang = chooseLanguage(request.lang, request.acceptLanguage);
  try {
    const view = await getClaimView(deps, request.claimId);
    return { status: 200, html: renderClaimPage({ view, lang, style: claimStyles, script: claimScript }) };
  } catch (error) {
    if (error instanceof NotFoundError) return { status: 404, html: renderClaimNotFoundPage(lang, claimStyles) };
    throw error;
  }
}
