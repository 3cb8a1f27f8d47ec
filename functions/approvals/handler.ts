import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { actorFromAuthorizer, approvalCaller, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler, type HttpRequest } from '#api/http/handler.js';
import {
  approvalIdPathSchema, approvalPolicyOf, createMemberBodySchema, createMemberFor, decideApproval, decideApprovalBodySchema,
  expireDueApprovals, listApprovals, listApprovalsQuerySchema, listMembers, listMembersQuerySchema, memberIdPathSchema,
  parsePasskeyHeader, revokeMemberFor, setApprovalPolicyFor, setPolicyBodySchema, type PasskeyVerifier,
} from '#merchants';
import { relyingParty } from '#api/console/relying-party.js';
import { approvalsConfigSchema, loadConfig, logger, metrics, UnauthorizedError } from '#platform';
import { approvalDeps } from '../commons/approval-deps.js';
import { expirySweep, orScheduled } from '../commons/scheduled.js';

const deps = approvalDeps();
const config = loadConfig(approvalsConfigSchema);
const noQuery = z.strictObject({});

/**
 * Who asks for a member or policy change through the API, as the CLI records its operator: the
 * console's member (they then cannot approve it) or the API key. The same actor signs the audit record.
 */
function askedBy(request: HttpRequest<unknown, unknown, unknown>) {
  const actor = actorFromAuthorizer(request.authorizer);
  const requestedBy = actor.type === 'member' ? { type: 'member' as const, id: actor.id } : { type: 'api_key' as const, id: actor.id };
  return { merchantId: profileFromAuthorizer(request.authorizer).id, requestedBy, deps: { ...deps, actor } };
}

type Route = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;
const routes: Record<string, Route> = {
  'GET /v1/approvals': httpHandler({ query: listApprovalsQuerySchema, acceptsMemberKeys: true }, async (request) => {
    const caller = approvalCaller(request.authorizer);
    return { status: 200, body: await listApprovals(deps, caller.merchantId, request.query) };
  }),
  'POST /v1/approvals/{id}/approve': decideRoute(),
  'POST /v1/approvals/{id}/reject': decideRoute(),
  'GET /v1/members': httpHandler({ query: listMembersQuerySchema }, async (r) => ({
    status: 200, body: await listMembers(deps, profileFromAuthorizer(r.authorizer).id, r.query),
  })),
  // 202: held under the merchant's policy; the key and the otpauth URI are shown now, the key works once approved.
  'POST /v1/members': httpHandler({ body: createMemberBodySchema, query: noQuery }, async (r) => {
    const { deps: asking, ...asked } = askedBy(r);
    const result = await createMemberFor(asking, { ...asked, ...r.body });
    return { status: result.held ? 202 : 201, body: result.body };
  }),
  'POST /v1/members/{id}/revoke': httpHandler({ path: memberIdPathSchema, query: noQuery }, async (r) => {
    const { deps: asking, ...asked } = askedBy(r);
    const result = await revokeMemberFor(asking, { ...asked, memberId: r.path.id });
    return { status: result.held ? 202 : 200, body: result.body };
  }),
  'GET /v1/approval_policy': httpHandler({ query: noQuery }, async (r) => ({
    status: 200, body: await approvalPolicyOf(deps, profileFromAuthorizer(r.authorizer).id),
  })),
  'PUT /v1/approval_policy': httpHandler({ body: setPolicyBodySchema, query: noQuery }, async (r) => {
    const { deps: asking, ...asked } = askedBy(r);
    const result = await setApprovalPolicyFor(asking, { ...asked, policy: r.body.policy });
    return { status: result.held ? 202 : 200, body: result.body };
  }),
};

function decideRoute(): Route {
  return httpHandler({ body: decideApprovalBodySchema, path: approvalIdPathSchema, acceptsMemberKeys: true }, async (request) => {
    const caller = approvalCaller(request.authorizer);
    if (!caller.memberId) throw new UnauthorizedError('Approving and rejecting take a member key (mk_...) and its code, not an API key.');
    const approval = await decideApproval(deps, {
      merchantId: caller.merchantId,
      memberId: caller.memberId,
      approvalId: request.path.id,
      decision: request.route.endsWith('/reject') ? 'reject' : 'approve',
      code: request.header('lanepay-otp'),
      passkey: passkeyOf(request),
    });
    return { status: 200, body: approval };
  });
}

/** A `Lanepay-Passkey` answer (the console's approvals), checked against the console's origin as relying party. */
function passkeyOf(request: { header(name: string): string | undefined }) {
  const header = request.header('lanepay-passkey');
  if (header === undefined) return undefined;
  return {
    answer: parsePasskeyHeader(header),
    rp: relyingParty(config.CONSOLE_ORIGIN, request),
    // Loaded on the first passkey decision only (a chunk beside the handler): most decisions use codes.
    verify: (async (options) => (await import('@simplewebauthn/server')).verifyAuthenticationResponse(options)) as PasskeyVerifier,
  };
}

const expire = expirySweep(() => expireDueApprovals(deps), {
  metric: 'ApprovalsExpired',
  finished: 'approval expiry sweep finished',
  report: (result) => {
    metrics.addMetric('ApprovalsAltered', MetricUnit.Count, result.altered.length);
    // A request whose stored change no longer matches its hash was written by something other than Lanepay's request path.
    if (result.altered.length > 0) logger.error('approval requests altered: stored change does not match change_hash', { altered: result.altered });
  },
});

/** One function, two triggers: the approval, member and policy endpoints, and the expiry schedule. */
export const handler = orScheduled('expire-approvals', expire, async (http: APIGatewayProxyEvent, context: Context) => {
  const route = routes[`${http.httpMethod} ${http.resource}`];
  if (!route) throw new Error(`approvals: no route for ${http.httpMethod} ${http.resource}`);
  return route(http, context);
});
