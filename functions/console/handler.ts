import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { consoleContentSecurityPolicy } from '#api/console/csp.js';
import { apiBaseUrl } from '#api/console/proxy.js';
import {
  approvalPasskeyOptionsBodySchema, approvalPasskeyOptionsRoute, passkeyRegistrationBodySchema, passkeyRegistrationOptionsRoute, passkeySignInBodySchema, passkeySignInOptionsRoute, proxyToApi, readSession,
  registerPasskeyRoute, relyingParty, signInWithCode, signInWithPasskeyRoute, signOut, totpSignInBodySchema,
} from '#api/console/routes.js';
import { httpHandler } from '#api/http/handler.js';
import { pageHandler } from '#api/http/page-handler.js';
import { KeyCheckCache } from '#merchants';
import { consoleConfigSchema, dynamodbClient, kmsClient, loadConfig, NotFoundError } from '#platform';

const config = loadConfig(consoleConfigSchema);
const deps = {
  dynamodb: dynamodbClient(),
  kms: kmsClient(),
  tableName: config.TABLE_NAME,
  apiKeyDigestKeyId: config.API_KEY_DIGEST_KEY_ID,
  sessionKeyId: config.CONSOLE_SESSION_KEY_ID,
  acceptLegacyKeys: config.LEGACY_KEYS === 'accept',
  keyCache: new KeyCheckCache(),
  now: () => new Date(),
  signInLimits: {
    perSource: { attempts: config.CONSOLE_SIGN_IN_PER_SOURCE, windowMs: 5 * 60_000 },
    perMember: { attempts: config.CONSOLE_SIGN_IN_PER_MEMBER, windowMs: 5 * 60_000 },
  },
};
const open = { authenticated: false } as const;

/**
 * Where the console is mounted: beside the API the proxy reaches, `/console` locally and on a custom
 * domain, `/<stage>/console` on API Gateway's own domain, so the page's script, styles and requests
 * carry the stage. A request without a stage (an invoked sample) gets `/console`.
 */
function mountPath(stage: { domainName?: string | undefined; name?: string | undefined }): string {
  if (config.CONSOLE_API_BASE_URL === '' && (!stage.domainName || !stage.name)) return '/console';
  return `${new URL(apiBaseUrl(config.CONSOLE_API_BASE_URL, stage)).pathname.replace(/\/+$/, '')}/console`;
}

/**
 * The console's pages and their assets (about 120 KiB of built app) are imported on the first page or
 * asset request, not at every cold start: most of this function's requests are the API proxy's.
 */
let app: Promise<typeof import('#api/pages/console/app.js')> | undefined;
const consoleApp = async () => (await (app ??= import('#api/pages/console/app.js'))).consoleApp;

// Passkeys: middy's default Permissions-Policy switches WebAuthn off; the console's own origin may use it.
const page = pageHandler({ contentSecurityPolicy: consoleContentSecurityPolicy, permissions: { 'publickey-credentials-get': 'self', 'publickey-credentials-create': 'self' } }, async (request) => ({
  status: 200,
  // The best of the console's languages for the browser's (any zh reads Simplified Chinese).
  html: (await consoleApp()).html(request.header('accept-language'), { basePath: mountPath(request.stage) }),
}));

const asset = httpHandler({ ...open, path: z.object({ name: z.string() }) }, async (request) => {
  const { assets } = await consoleApp();
  const found = Object.hasOwn(assets, request.path.name) ? assets[request.path.name] : undefined;
  if (!found) throw new NotFoundError('console asset', request.path.name);
  // Content-hashed names: a name never changes content, so browsers keep it for a year.
  return { status: 200, body: undefined, text: found.body, headers: { 'Content-Type': found.type, 'Cache-Control': 'public, max-age=31536000, immutable' } };
});

const totp = httpHandler({ ...open, body: totpSignInBodySchema }, (request) => signInWithCode(deps, request));
const session = httpHandler(open, (request) => readSession(deps, request));
const signOutRoute = httpHandler(open, (request) => signOut(deps, request));
const rp = (request: { header(name: string): string | undefined }) => relyingParty(config.CONSOLE_ORIGIN, request);
const registrationOptions = httpHandler(open, (request) => passkeyRegistrationOptionsRoute(deps, rp(request), request));
const registration = httpHandler({ ...open, body: passkeyRegistrationBodySchema }, (request) => registerPasskeyRoute(deps, rp(request), request));
const passkeyOptions = httpHandler(open, (request) => passkeySignInOptionsRoute(deps, rp(request), request));
const passkey = httpHandler({ ...open, body: passkeySignInBodySchema }, (request) => signInWithPasskeyRoute(deps, rp(request), request));
const approvalPasskey = httpHandler({ ...open, body: approvalPasskeyOptionsBodySchema }, (request) => approvalPasskeyOptionsRoute(deps, rp(request), request));
const proxy = httpHandler({ ...open, path: z.object({ proxy: z.string() }) }, (request) => proxyToApi({ ...deps, apiBaseUrl: apiBaseUrl(config.CONSOLE_API_BASE_URL, request.stage) }, {
  method: request.route.slice(0, request.route.indexOf(' ')),
  path: request.path.proxy,
  query: request.queryValues,
  header: request.header,
  body: request.rawBody === '' ? undefined : request.rawBody,
}));

const routes: Record<string, (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> = {
  'GET /console': page,
  'GET /console/{proxy+}': page,
  'GET /console/assets/{name}': asset,
  'POST /console/session/totp': totp,
  'GET /console/session': session,
  'DELETE /console/session': signOutRoute,
  'POST /console/session/passkey-options': passkeyOptions,
  'POST /console/session/passkey': passkey,
  'POST /console/passkeys/registration-options': registrationOptions,
  'POST /console/passkeys': registration,
  'POST /console/approvals/passkey-options': approvalPasskey,
};

/** One function for the console: its page and assets, its session routes and its proxy to the API. */
export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  if (event.resource === '/console/api/{proxy+}') return proxy(event, context);
  const route = routes[`${event.httpMethod} ${event.resource}`];
  return (route ?? page)(event, context);
};
