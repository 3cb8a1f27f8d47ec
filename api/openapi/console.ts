import * as z from 'zod';
import { auditStatusSchema } from '#audit';
import { chainListSchema } from '#chains';
import { kycReviewSchema, resolveBodySchema } from '#compliance';
import {
  approvalPolicyViewSchema, createdMemberSchema, createMemberBodySchema, heldChangeSchema, memberViewSchema, revokedMemberSchema, setPolicyBodySchema,
} from '#merchants';
import { eventAttemptListSchema, perEndpointBudget } from '#notify';
import { liquidityListSchema, treasuryStatusSchema } from '#treasury';
import { bodyProblems, idParam, json, jsonExample, jsonSchema, listParams, problems } from './parts.js';

/**
 * The routes the console reads and writes (members, the approval policy, chains, and the platform
 * merchant's liquidity), for the merchant API's OpenAPI document: api/openapi/document.ts merges
 * them. Each also answers a merchant's API key.
 */


const platformOnly = 'Platform merchant only: any other merchant is answered 403 `platform_only`.';
const heldNote = 'While the merchant\'s approval policy asks approvals for admin changes, the change is held: 202 with the approval request, applied once members approve it (POST /v1/approvals/{id}/approve).';

const memberAndChainPaths: Record<string, Record<string, unknown>> = {
  '/v1/members': {
    get: {
      operationId: 'listMembers', tags: ['Members'],
      summary: 'List the merchant\'s members (who approve held changes and sign in to the console), active and revoked, in id order',
      parameters: listParams('^mem_[0-9a-z]{26}$').map((p) => (p.name === 'limit' ? { ...p, schema: { ...p.schema, default: 100 } } : p)),
      responses: { '200': { description: 'Members', content: json('MemberList') }, ...problems(400) },
    },
    post: {
      operationId: 'createMember', tags: ['Members'],
      summary: 'Add a member: its member key and TOTP otpauth URI are answered this once',
      description: `The same change as \`lanepay member add\`. ${heldNote} A held member's key is refused until then.`,
      requestBody: { required: true, content: jsonExample('CreateMember', { email: 'ana@example.com', role: 'approver' }) },
      responses: {
        '201': { description: 'Added', content: json('CreatedMember') },
        '202': { description: 'Held for approval: `approval` is the request', content: json('CreatedMember') },
        ...problems(...bodyProblems, 409),
      },
    },
  },
  '/v1/members/{id}/revoke': {
    post: {
      operationId: 'revokeMember', tags: ['Members'],
      summary: 'Revoke a member: its decisions are refused at once, its key within 60 s',
      description: `The same change as \`lanepay member revoke\`: refused (409 \`policy_unsatisfiable\`) if fewer active members than the policy asks would remain. ${heldNote}`,
      parameters: [idParam('mem', 'member')],
      responses: {
        '200': { description: 'Revoked', content: json('RevokedMember') },
        '202': { description: 'Held for approval: the member as it is, and `approval`', content: json('RevokedMember') },
        ...problems(400, 404, 409),
      },
    },
  },
  '/v1/approval_policy': {
    get: {
      operationId: 'getApprovalPolicy', tags: ['Members'],
      summary: 'The approval policy in force (null: none) and how many members are active',
      responses: { '200': { description: 'The policy', content: json('ApprovalPolicyView') }, ...problems(400) },
    },
    put: {
      operationId: 'setApprovalPolicy', tags: ['Members'],
      summary: 'Replace the approval policy',
      description: `The same change as \`lanepay approval-policy set\`: refused (409 \`policy_unsatisfiable\`) if it asks more approvals than there are active members, or a \`treasury\` rule asks more than the members bound to treasury owner keys. A \`treasury\` rule is the platform merchant's (else 403 \`treasury_platform_only\`), on a stage with a treasury (else 409 \`treasury_not_configured\`), asking at least the Safe's threshold (else 409 \`treasury_approvals_below_threshold\`). The first policy is applied at once; ${heldNote.charAt(0).toLowerCase()}${heldNote.slice(1)}`,
      requestBody: { required: true, content: jsonExample('SetApprovalPolicy', { policy: { payouts: { at_or_above: '1000000000', approvals: 1 }, admin_changes: { approvals: 1 } } }) },
      responses: {
        '200': { description: 'Applied: the policy now in force', content: json('ApprovalPolicyView') },
        '202': { description: 'Held for approval', content: json('HeldChange') },
        ...problems(...bodyProblems, 403, 409),
      },
    },
  },
  '/v1/chains': {
    get: {
      operationId: 'listChains', tags: ['Chains'],
      summary: 'The chains Lanepay pays out on (and takes pay-ins on), with their assets and block explorer',
      responses: { '200': { description: 'Chains', content: json('ChainList') }, ...problems(400) },
    },
  },
  '/v1/liquidity': {
    get: {
      operationId: 'getLiquidity', tags: ['Chains'],
      summary: 'Per chain and asset: the hot wallet\'s balance and payouts in flight now, the latest liquidity plan and 48 h payout forecast with its 80 % and 95 % bands',
      description: `${platformOnly} Each chain's node is given 3 s; one that does not answer leaves its wallet's position null with \`error\`, the plan and forecast still shown.`,
      responses: { '200': { description: 'Liquidity', content: json('LiquidityList') }, ...problems(400, 403) },
    },
  },
  '/v1/treasury': {
    get: {
      operationId: 'getTreasury', tags: ['Chains'],
      summary: 'Per chain with a treasury: the Safe\'s balance on the chain and in the ledger, its owners (with the platform member bound to each) and threshold, each hot wallet against its plan; and the open proposals with their approvals',
      description: `${platformOnly} The Safe's owners and threshold are read from the chain and compared with the registry: a difference is a warning. Each chain's node is given 3 s; one that does not answer leaves the Safe's on-chain figures null with \`error\`, the rest still shown. Proposals: transfers not yet succeeded or failed, newest first, at most 20 (\`has_more\` says when more are open).`,
      responses: { '200': { description: 'Treasury', content: json('TreasuryStatus') }, ...problems(400, 403) },
    },
  },
};

/** Routes for the platform's operators (audit, KYC reviews) and a payment's deliveries. */
const reviewPaths: Record<string, Record<string, unknown>> = {
  '/v1/audit/status': {
    get: {
      operationId: 'getAuditStatus', tags: ['Audit'],
      summary: 'The last closed audit period, its anchor transaction, and `audit verify` of that period for a merchant, per lane',
      description: `${platformOnly} The work is bounded by the window: one period's signature and leaves, and the merchant's records it covers; anchors are not looked up on chain (\`lanepay audit verify\` checks the whole log and its anchors).`,
      parameters: [{ name: 'merchant_id', in: 'query', description: 'Whose log to verify (default: the caller\'s)', schema: { type: 'string', pattern: '^mer_[0-9a-z]{26}$' } }],
      responses: { '200': { description: 'Audit status', content: json('AuditStatus') }, ...problems(400, 403) },
    },
  },
  '/v1/kyc/reviews': {
    get: {
      operationId: 'listKycReviews', tags: ['Customers'],
      summary: 'Verifications waiting for the platform operator: in review, or rejected by the system; oldest first, with reason codes and never personal data',
      description: platformOnly,
      parameters: listParams('^kyv_[0-9a-z]{26}$').map((p) => (p.name === 'limit' ? { ...p, schema: { ...p.schema, default: 50 } } : p)),
      responses: { '200': { description: 'The review queue', content: json('KycReviewList') }, ...problems(400, 403) },
    },
  },
  '/v1/kyc/verifications/{id}/resolve': {
    post: {
      operationId: 'resolveKycVerification', tags: ['Customers'],
      summary: 'Resolve a verification in review (or rejected by the system): approved or rejected, with a note, recorded as made by the caller',
      description: `${platformOnly} The same resolution as \`lanepay kyc resolve\`: the customer's status and the \`customer.verification.*\` event follow.`,
      parameters: [idParam('kyv', 'verification')],
      requestBody: { required: true, content: jsonExample('ResolveKycVerification', { decision: 'approved', note: 'namesake: birth year differs' }) },
      responses: {
        '200': {
          description: 'Resolved',
          content: json('Verification'),
          // Its customer is `customer`, not the verification's own id (which a link inferred from the path's names would take).
          links: { GetCustomerVerification: { operationId: 'getCustomerVerification', parameters: { id: '$response.body#/customer', verification: '$response.body#/id' } } },
        },
        ...problems(...bodyProblems, 403, 404, 409),
      },
    },
  },
  '/v1/events/{id}/attempts': {
    get: {
      operationId: 'listEventAttempts', tags: ['Events'],
      summary: 'The event\'s webhook delivery attempts to each endpoint, newest first: status, latency, endpoint',
      description: `Each endpoint's attempts since the event are looked at, at most ${perEndpointBudget} per endpoint; \`has_more\` is true when some may be left out.`,
      parameters: [idParam('evt', 'event')],
      responses: { '200': { description: 'Attempts', content: json('EventAttemptList') }, ...problems(400, 404) },
    },
  },
};

export const consoleOpenApiPaths: Record<string, Record<string, unknown>> = { ...memberAndChainPaths, ...reviewPaths };

export const consoleOpenApiSchemas: Record<string, unknown> = {
  MemberList: jsonSchema(z.object({ object: z.literal('list'), data: z.array(memberViewSchema), has_more: z.boolean() }), 'output'),
  CreateMember: jsonSchema(createMemberBodySchema, 'input'),
  CreatedMember: jsonSchema(createdMemberSchema, 'output'),
  RevokedMember: jsonSchema(revokedMemberSchema, 'output'),
  SetApprovalPolicy: jsonSchema(setPolicyBodySchema, 'input'),
  ApprovalPolicyView: jsonSchema(approvalPolicyViewSchema, 'output'),
  HeldChange: jsonSchema(heldChangeSchema, 'output'),
  ChainList: jsonSchema(chainListSchema, 'output'),
  LiquidityList: jsonSchema(liquidityListSchema, 'output'),
  TreasuryStatus: jsonSchema(treasuryStatusSchema, 'output'),
  AuditStatus: jsonSchema(auditStatusSchema, 'output'),
  KycReviewList: jsonSchema(z.object({ object: z.literal('list'), data: z.array(kycReviewSchema), has_more: z.boolean() }), 'output'),
  ResolveKycVerification: jsonSchema(resolveBodySchema, 'input'),
  EventAttemptList: jsonSchema(eventAttemptListSchema, 'output'),
};
