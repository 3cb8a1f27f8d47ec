import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { approvalCaller } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import {
  approvalIdPathSchema, decideApproval, decideApprovalBodySchema, expireDueApprovals, listApprovals,
  listApprovalsQuerySchema, parsePasskeyHeader, type PasskeyVerifier,
} from '#merchants';
import { relyingParty } from '#api/console/relying-party.js';
import { approvalsConfigSchema, loadConfig, logger, metrics, UnauthorizedError } from '#platform';
import { approvalDeps } from '../commons/approval-deps.js';
import { expirySweep, orScheduled } from '../commons/scheduled.js';

const deps = approvalDeps();
const config = loadConfig(approvalsConfigSchema);

const list = httpHandler({ query: listApprovalsQuerySchema, acceptsMemberKeys: true }, async (request) => {
  const caller = approvalCaller(request.authorizer);
  return { status: 200, body: await listApprovals(deps, caller.merchantId, request.query) };
});

const decide = httpHandler({ body: decideApprovalBodySchema, path: approvalIdPathSchema, acceptsMemberKeys: true }, async (request) => {
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

/** One function, two triggers: the approval endpoints and the expiry schedule. */
export const handler = orScheduled('expire-approvals', expire, async (http: APIGatewayProxyEvent, context: Context) =>
  http.httpMethod === 'GET' ? list(http, context) : decide(http, context));
