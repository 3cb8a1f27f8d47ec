import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { consoleContentSecurityPolicy } from '#api/console/csp.js';
import { apiBaseUrl } from '#api/console/proxy.js';
import { proxyToApi, readSession, signInWithCode, signOut, totpSignInBodySchema } from '#api/console/routes.js';
import { httpHandler } from '#api/http/handler.js';
import { pageHandler } from '#api/http/page-handler.js';
import { consoleApp } from '#api/pages/console/app.js';
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

const page = pageHandler({ contentSecurityPolicy: consoleContentSecurityPolicy }, async (request) => ({
  status: 200,
  html: consoleApp.html(/\bzh\b/i.test(request.header('accept-language') ?? '') ? 'zh-CN' : 'en'),
}));

const asset = httpHandler({ ...open, path: z.object({ name: z.string() }) }, async (request) => {
  const found = Object.hasOwn(consoleApp.assets, request.path.name) ? consoleApp.assets[request.path.name] : undefined;
  if (!found) throw new NotFoundError('console asset', request.path.name);
  // Content-hashed names: a name never changes content, so browsers keep it for a year.
  return { status: 200, body: undefined, text: found.body, headers: { 'Content-Type': found.type, 'Cache-Control': 'public, max-age=31536000, immutable' } };
});

const totp = httpHandler({ ...open, body: totpSignInBodySchema }, (request) => signInWithCode(deps, request));
const session = httpHandler(open, (request) => readSession(deps, request));
const signOutRoute = httpHandler(open, (request) => signOut(deps, request));
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
};

/** One function for the console: its page and assets, its session routes and its proxy to the API. */
export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  if (event.resource === '/console/api/{proxy+}') return proxy(event, context);
  const route = routes[`${event.httpMethod} ${event.resource}`];
  return (route ?? page)(event, context);
};
