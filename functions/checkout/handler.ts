import * as z from 'zod';
import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { checkoutConfigSchema, loadConfig } from '../../lib/aws/config.js';
import { checkoutScript } from '../../lib/checkout/browser-script.js';
import { checkoutContentSecurityPolicy } from '../../lib/checkout/csp.js';
import { checkoutPage, openCheckoutSession } from '../../lib/checkout/page.js';
import { checkoutStyles } from '../../lib/checkout/styles.js';
import { httpHandler } from '../../lib/http/handler.js';
import { pageHandler } from '../../lib/http/page-handler.js';

const config = loadConfig(checkoutConfigSchema);
const deps = {
  dynamodb: dynamodbClient(),
  tableName: config.TABLE_NAME,
  now: () => new Date(),
  tokenTtlMs: config.REALTIME_TOKEN_TTL_SECONDS * 1000,
  script: checkoutScript,
};
const contentSecurityPolicy = checkoutContentSecurityPolicy({ script: checkoutScript, style: checkoutStyles, websocketUrl: config.REALTIME_WEBSOCKET_URL });

/** GET /checkout/{id}: the hosted checkout page (public; unknown charge → the 404 page). */
export const page = pageHandler({ contentSecurityPolicy, permissions: { 'clipboard-write': 'self' } }, async (request) => {
  const result = await checkoutPage(deps, {
    chargeId: request.path.id ?? '',
    lang: request.query.lang,
    acceptLanguage: request.header('accept-language'),
  });
  return { status: result.found ? 200 : 404, html: result.html };
});

/** POST /checkout/{id}/realtime-token: the page's token for following its charge over the WebSocket API. */
export const realtimeToken = httpHandler({ path: z.object({ id: z.string() }), authenticated: false }, async (request) => {
  const session = await openCheckoutSession(deps, request.path.id);
  return {
    status: 201,
    body: { token: session.token, expires_at: session.expiresAt, url: config.REALTIME_WEBSOCKET_URL, charge: session.view },
    // The token is a credential: no cache may keep it.
    headers: { 'Cache-Control': 'no-store' },
  };
});
