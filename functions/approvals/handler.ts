import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { decideApproval } from '../../lib/approvals/decide.js';
import { expireDueApprovals } from '../../lib/approvals/expire.js';
import { listApprovals } from '../../lib/approvals/list.js';
import { approvalIdPathSchema, decideApprovalBodySchema, listApprovalsQuerySchema } from '../../lib/approvals/schemas.js';
import { UnauthorizedError } from '../../lib/errors/index.js';
import { httpHandler } from '../../lib/http/handler.js';
import { approvalCaller } from '../../lib/merchants/authorizer-context.js';
import { logger, metrics } from '../../lib/observability/powertools.js';
import { approvalDeps } from '../commons/approval-deps.js';
import { expirySweep, orScheduled } from '../commons/scheduled.js';

const deps = approvalDeps();

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
  });
  return { status: 200, body: approval };
});

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
