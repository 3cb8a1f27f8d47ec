import * as z from 'zod';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  approvalPasskeyOptions, assertCsrfToken, currentSession, currentSessionView, endSession, memberRoleOf, passkeyRegistrationOptions, passkeySignInOptions, registerPasskey,
  roleAtLeast, sessionsErrors, signInWithPasskey, signInWithTotp, type RelyingParty, type SessionDeps, type SignedIn,
} from '#merchants';
import { consoleRouteOfPath } from '../http/console-routes.js';
import type { HttpRequest, HttpResult } from '../http/handler.js';
import { clearedSessionCookie, sessionCookie, sessionTokenFrom } from './cookie.js';
import { forwardToApi, type ProxiedRequest } from './proxy.js';
export { relyingParty } from './relying-party.js';

/**
 * The console's session routes and its proxy, on validated requests (functions/console builds the
 * handlers). Every answer about a session is `no-store`: it carries the CSRF token.
 */
export const totpSignInBodySchema = z.object({
  member_key: z.string().min(1).max(200),
  code: z.string().min(1).max(12),
});

const noStore = { 'Cache-Control': 'no-store' };

/** Sign-in routes take no CSRF token (there is no session yet): a JSON body and, when sent, the page's own Origin. */
export function assertSameOrigin(request: Pick<HttpRequest<unknown, unknown, unknown>, 'header'>): void {
  const origin = request.header('origin');
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new sessionsErrors.CsrfTokenError();
  }
  if (host !== request.header('host')) throw new sessionsErrors.CsrfTokenError();
}

export function signedInResult(signedIn: SignedIn): HttpResult {
  return { status: 200, body: signedIn.view, headers: { ...noStore, 'Set-Cookie': sessionCookie(signedIn.token) } };
}

/** POST /console/session/totp */
export async function signInWithCode(deps: SessionDeps, request: HttpRequest<z.infer<typeof totpSignInBodySchema>, unknown, unknown>): Promise<HttpResult> {
  assertSameOrigin(request);
  return signedInResult(await signInWithTotp(deps, { memberKey: request.body.member_key, code: request.body.code, sourceIp: request.sourceIp }));
}

/** GET /console/session: the session's view; it does not move the idle expiry (only use through the proxy does). */
export async function readSession(deps: SessionDeps, request: Pick<HttpRequest<unknown, unknown, unknown>, 'header'>): Promise<HttpResult> {
  return { status: 200, body: await currentSessionView(deps, sessionTokenFrom(request.header('cookie'))), headers: noStore };
}

/** DELETE /console/session (X-CSRF-Token): the session item goes, the cookie is cleared. */
export async function signOut(deps: SessionDeps, request: Pick<HttpRequest<unknown, unknown, unknown>, 'header'>): Promise<HttpResult> {
  const { session } = await currentSession(deps, sessionTokenFrom(request.header('cookie')), { touch: false });
  assertCsrfToken(session, request.header('x-csrf-token'));
  await endSession(deps, session.id);
  return { status: 204, body: undefined, text: '', headers: { ...noStore, 'Set-Cookie': clearedSessionCookie() } };
}

/**
 * ANY /console/api/{proxy+}: the cookie's session (live, member active; its idle expiry moved on),
 * the CSRF token on every method but GET and HEAD, then the API's own answer.
 */
export async function proxyToApi(deps: SessionDeps & { apiBaseUrl: string }, request: Omit<ProxiedRequest, 'header'> & Pick<HttpRequest<unknown, unknown, unknown>, 'header'>): Promise<HttpResult> {
  const token = sessionTokenFrom(request.header('cookie'));
  const { session, member } = await currentSession(deps, token, { touch: true });
  if (request.method !== 'GET' && request.method !== 'HEAD') assertCsrfToken(session, request.header('x-csrf-token'));
  // The API refuses it too (the authorizer's policy, then api/http/handler.ts); answered here, the page
  // gets the role it would need rather than the gateway's 401, which reads like a lost session.
  const role = memberRoleOf(member);
  const route = consoleRouteOfPath(request.method === 'HEAD' ? 'GET' : request.method, `/${request.path}`);
  if (route === undefined) throw new sessionsErrors.RoleForbiddenError(null, role);
  if (!roleAtLeast(role, route.role)) throw new sessionsErrors.RoleForbiddenError(route.role, role);
  const answer = await forwardToApi(deps.apiBaseUrl, token!, request);
  return { status: answer.status, body: undefined, text: answer.body, headers: { ...noStore, ...answer.headers } };
}

/** A WebAuthn answer as the browser's toJSON() gives it; @simplewebauthn/server checks the rest. */
const credentialJson = z.object({ id: z.string().min(1).max(1400), type: z.literal('public-key'), response: z.object({ clientDataJSON: z.string().max(4096) }).passthrough() }).passthrough();

export const passkeyRegistrationBodySchema = z.object({ response: credentialJson, name: z.string().min(1).max(100).optional() });
export const passkeySignInBodySchema = z.object({ response: credentialJson });

type Request = Pick<HttpRequest<unknown, unknown, unknown>, 'header'>;

async function signedInWithCsrf(deps: SessionDeps, request: Request) {
  const current = await currentSession(deps, sessionTokenFrom(request.header('cookie')), { touch: true });
  assertCsrfToken(current.session, request.header('x-csrf-token'));
  return current;
}

/** POST /console/passkeys/registration-options (signed in, X-CSRF-Token) */
export async function passkeyRegistrationOptionsRoute(deps: SessionDeps, rp: RelyingParty, request: Request): Promise<HttpResult> {
  return { status: 200, body: await passkeyRegistrationOptions(deps, await signedInWithCsrf(deps, request), rp), headers: noStore };
}

/** POST /console/passkeys (signed in, X-CSRF-Token) */
export async function registerPasskeyRoute(deps: SessionDeps, rp: RelyingParty, request: HttpRequest<z.infer<typeof passkeyRegistrationBodySchema>, unknown, unknown>): Promise<HttpResult> {
  const current = await signedInWithCsrf(deps, request);
  const registered = await registerPasskey(deps, current, rp, { response: request.body.response as unknown as RegistrationResponseJSON, name: request.body.name });
  return { status: 201, body: registered, headers: noStore };
}

/** POST /console/session/passkey-options */
export async function passkeySignInOptionsRoute(deps: SessionDeps, rp: RelyingParty, request: Request): Promise<HttpResult> {
  assertSameOrigin(request);
  return { status: 200, body: await passkeySignInOptions(deps, rp), headers: noStore };
}

/** POST /console/session/passkey */
export async function signInWithPasskeyRoute(deps: SessionDeps, rp: RelyingParty, request: HttpRequest<z.infer<typeof passkeySignInBodySchema>, unknown, unknown>): Promise<HttpResult> {
  assertSameOrigin(request);
  return signedInResult(await signInWithPasskey(deps, rp, { response: request.body.response as unknown as AuthenticationResponseJSON, sourceIp: request.sourceIp }));
}

export const approvalPasskeyOptionsBodySchema = z.object({ approval_id: z.string().regex(/^apr_[0-9a-z]{26}$/), change_hash: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * POST /console/approvals/passkey-options (signed in, X-CSRF-Token): a challenge for deciding one
 * request with a passkey, bound to the change_hash the page showed; the approvals function checks it
 * against the request's hash when the answer comes (Lanepay-Passkey through the proxy).
 */
export async function approvalPasskeyOptionsRoute(deps: SessionDeps, rp: RelyingParty, request: HttpRequest<z.infer<typeof approvalPasskeyOptionsBodySchema>, unknown, unknown>): Promise<HttpResult> {
  const { member } = await signedInWithCsrf(deps, request);
  return { status: 200, body: await approvalPasskeyOptions(deps, member, rp, { approvalId: request.body.approval_id, changeHash: request.body.change_hash }), headers: noStore };
}
