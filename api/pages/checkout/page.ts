import { chargeIdSchema, checkoutView, readChargeRecord, type CheckoutView } from '#money';
import { issueRealtimeToken, type RealtimeStoreDeps } from '#notify';
import { NotFoundError } from '#platform';
import { chooseLanguage } from './messages.js';
import { qrSvg } from './qr.js';
import { renderCheckoutPage, renderNotFoundPage } from './render.js';
import { checkoutStyles } from './styles.js';

/**
 * The hosted checkout page of a charge (its `hosted_url`). Reached by the charge id alone, without
 * a key: the id is unguessable (80 random bits), and the page shows only the charge's public view.
 */
export interface CheckoutPageRequest {
  chargeId: string;
  /** `?lang=`, which wins over the browser's languages. */
  lang: string | undefined;
  acceptLanguage: string | undefined;
}

export type CheckoutPage = { found: true; html: string } | { found: false; html: string };

export async function checkoutPage(
  deps: Pick<RealtimeStoreDeps, 'dynamodb' | 'tableName' | 'now'> & { script: string },
  request: CheckoutPageRequest,
): Promise<CheckoutPage> {
  const lang = chooseLanguage(request.lang, request.acceptLanguage);
  const view = await findCheckoutView(deps, request.chargeId);
  if (!view) return { found: false, html: renderNotFoundPage(lang, checkoutStyles) };
  const svgs = await Promise.all(view.addresses.map(async (address) => [address.chain, await qrSvg(address.payment_uri)] as const));
  const html = renderCheckoutPage({
    view,
    lang,
    qrSvgs: Object.fromEntries(svgs),
    // Relative to /checkout/<id>: the page works under any stage prefix or custom domain.
    realtimeTokenPath: `${view.id}/realtime-token`,
    style: checkoutStyles,
    script: deps.script,
    nowMs: deps.now().getTime(),
  });
  return { found: true, html };
}

/** What the page needs to follow its charge live: a token scoped to it, and the charge as it is now. */
export interface CheckoutSession {
  token: string;
  expiresAt: string;
  view: CheckoutView;
}

/**
 * Issues the page a single-use realtime token scoped to its charge (lib/notify/realtime/tokens.ts), so the
 * browser never holds a merchant key. The page asks again after each disconnect; the view returned
 * with the token catches it up with what it missed meanwhile.
 */
export async function openCheckoutSession(deps: RealtimeStoreDeps & { tokenTtlMs: number }, chargeId: string): Promise<CheckoutSession> {
  const record = chargeIdSchema.safeParse(chargeId).success ? await readChargeRecord(deps, chargeId) : undefined;
  if (!record) throw new NotFoundError('charge', chargeId);
  const issued = await issueRealtimeToken(deps, { merchantId: record.merchantId, chargeId });
  return { token: issued.token, expiresAt: issued.expiresAt, view: checkoutView(record.charge) };
}

async function findCheckoutView(deps: Pick<RealtimeStoreDeps, 'dynamodb' | 'tableName'>, chargeId: string): Promise<CheckoutView | undefined> {
  if (!chargeIdSchema.safeParse(chargeId).success) return undefined;
  const record = await readChargeRecord(deps, chargeId);
  return record ? checkoutView(record.charge) : undefined;
}
