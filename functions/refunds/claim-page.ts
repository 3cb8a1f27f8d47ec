import { pageHandler } from '#api/http/page-handler.js';
import { claimContentSecurityPolicy } from '#api/pages/claim/csp.js';
import { claimPage } from '#api/pages/claim/page.js';
import { claimScript } from '#api/pages/claim/script.js';
import { claimStyles } from '#api/pages/claim/styles.js';
import type { RefundDeps } from '#money';

/**
 * GET /claims/{id}: the claim page, in a module of its own that the refunds handler imports on the
 * page's first request, so the page (its two languages, script and styles) is not loaded at every
 * cold start of an API function whose other routes are the merchant's.
 */
export function claimPageRoute(deps: RefundDeps) {
  return pageHandler({ contentSecurityPolicy: claimContentSecurityPolicy({ script: claimScript, style: claimStyles }) }, async (r) =>
    claimPage(deps, { claimId: r.path.id ?? '', lang: r.query.lang, acceptLanguage: r.header('accept-language') }));
}
