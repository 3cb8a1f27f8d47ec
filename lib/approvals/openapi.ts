import * as z from 'zod';
import { idParam, json, jsonSchema, listParams, problems } from '../http/openapi-parts.js';
import { approvalSchema, approvalStatuses } from './schemas.js';

/**
 * The approval routes for the merchant API's OpenAPI document (lib/http/openapi.ts merges them).
 * Listing takes the merchant's API key or a member key; deciding takes a member key and its code.
 */
const otpHeader = {
  name: 'Lanepay-OTP', in: 'header', required: true,
  description: 'The current 6-digit code of the member\'s authenticator app (TOTP, RFC 6238). Each code is accepted once; five wrong codes lock the member for 15 minutes.',
  schema: { type: 'string', pattern: '^[0-9]{6}$' },
};

const decide = (verb: 'approve' | 'reject') => ({
  operationId: `${verb}Approval`,
  tags: ['Approvals'],
  summary: verb === 'approve'
    ? 'Approve a request; the last approval needed applies the held change (a payout proceeds)'
    : 'Reject a request; a held payout is canceled and its funds released',
  security: [{ memberKey: [] }],
  parameters: [idParam('apr', 'approval'), otpHeader],
  requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', additionalProperties: false } } } },
  responses: {
    '200': { description: verb === 'approve' ? 'Approved (or still pending more approvals)' : 'Rejected', content: json('Approval') },
    ...problems(400, 403, 404, 409, 413, 415, 423),
  },
});

export const approvalOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/v1/approvals': {
    get: {
      operationId: 'listApprovals',
      tags: ['Approvals'],
      summary: 'List approval requests in one status (pending by default), oldest first',
      security: [{ apiKey: [] }, { memberKey: [] }],
      parameters: [
        { name: 'status', in: 'query', description: 'Which requests', schema: { type: 'string', enum: [...approvalStatuses], default: 'pending' } },
        ...listParams('^apr_[0-9a-z]{26}$'),
      ],
      responses: { '200': { description: 'Approval requests', content: json('ApprovalList') }, ...problems(400) },
    },
  },
  '/v1/approvals/{id}/approve': { post: decide('approve') },
  '/v1/approvals/{id}/reject': { post: decide('reject') },
};

export const approvalOpenApiSchemas: Record<string, unknown> = {
  Approval: jsonSchema(approvalSchema, 'output'),
  ApprovalList: jsonSchema(z.object({ object: z.literal('list'), data: z.array(approvalSchema), has_more: z.boolean() }), 'output'),
};
