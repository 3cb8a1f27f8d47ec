import { claimBodySchema, claimViewSchema, createRefundBodySchema, listSchema, refundSchema } from '#money';
import { bodyProblems, idempotencyHeader, idParam, json, jsonExample, jsonSchema, listParams, problems } from './parts.js';

/** The refund routes for the merchant API's OpenAPI document; api/openapi/document.ts merges them. */

/** A public operation cannot answer 401: no key is asked for. */
function publicProblems(...statuses: Parameters<typeof problems>): Record<string, unknown> {
  const { '401': _noKeyAsked, ...rest } = problems(...statuses);
  return rest;
}
const ok = (description: string, schemaName: string) => ({ description, content: json(schemaName) });
const refundLinks = (id: string, payout: string) => ({
  GetRefund: { operationId: 'getRefund', parameters: { id } },
  GetRefundPayout: { operationId: 'getPayment', parameters: { id: payout } },
});

export const refundOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/v1/charges/{id}/refunds': {
    post: {
      operationId: 'createRefund',
      summary: 'Refund a charge (all that it credited and not yet refunded by default; `"excess"` for what was paid over its amount) to an address on its chain',
      tags: ['Refunds'],
      parameters: [idParam('ch', 'charge'), idempotencyHeader(true)],
      requestBody: {
        required: true,
        content: jsonExample('CreateRefund', { amount: '1000000', destination: '0x52908400098527886E0F7030069857D2E4169EE7', reason: 'requested_by_customer' }),
        description: 'Either `destination`, or `claim: true` for a claim link: the refund waits `pending` (its money held) until the payer claims it at `claim_url` with a signature, or expires after `claim_expires_in` seconds.',
      },
      responses: {
        '200': { ...ok('The first result of this Idempotency-Key, replayed', 'Refund'), links: refundLinks('$response.body#/id', '$response.body#/payout') },
        '201': { ...ok('Accepted: paying out, or waiting for approval', 'Refund'), links: refundLinks('$response.body#/id', '$response.body#/payout') },
        ...problems(...bodyProblems, 402, 404, 409, 422),
      },
    },
    get: {
      operationId: 'listChargeRefunds',
      summary: 'List a charge\'s refunds, newest first',
      tags: ['Refunds'],
      parameters: [idParam('ch', 'charge'), ...listParams('^re_[0-9a-z]{26}$')],
      responses: { '200': ok('Refunds', 'RefundList'), ...problems(400, 404) },
    },
  },
  '/v1/refunds': {
    get: {
      operationId: 'listRefunds',
      summary: 'List refunds, newest first',
      tags: ['Refunds'],
      parameters: listParams('^re_[0-9a-z]{26}$'),
      responses: { '200': { ...ok('Refunds', 'RefundList'), links: refundLinks('$response.body#/data/0/id', '$response.body#/data/0/payout') }, ...problems(400) },
    },
  },
  '/claims/{id}': {
    post: {
      operationId: 'claimRefund',
      summary: "Claim a refund to an address, proven by that address's EIP-191 signature of the claim's message (public: the claim page calls it)",
      description: 'The claim id (from a refund\'s `claim_url`) is the only credential. `signature` is `personal_sign` of the message the claim page shows, '
        + 'with the address written in lowercase where it says `<your address>`. A claim pays once; a refused claim writes nothing.',
      tags: ['Refunds'],
      security: [],
      parameters: [{ name: 'id', in: 'path', required: true, description: 'The claim\'s id', schema: { type: 'string', pattern: '^clm_[0-9a-f]{32}$' } }],
      requestBody: { required: true, content: json('ClaimRefund') },
      responses: {
        '200': ok('Claimed: the refund is paid to the address (its payout is processing)', 'RefundClaim'),
        ...publicProblems(...bodyProblems, 402, 403, 404, 409, 410),
      },
    },
  },
  '/v1/refunds/{id}': {
    get: {
      operationId: 'getRefund', summary: 'Retrieve a refund', tags: ['Refunds'],
      parameters: [idParam('re', 'refund')],
      responses: { '200': ok('Refund', 'Refund'), ...problems(400, 404) },
    },
  },
};

export const refundOpenApiSchemas = {
  CreateRefund: jsonSchema(createRefundBodySchema, 'input'),
  Refund: jsonSchema(refundSchema, 'output'),
  ClaimRefund: jsonSchema(claimBodySchema, 'input'),
  RefundClaim: jsonSchema(claimViewSchema, 'output'),
  RefundList: jsonSchema(listSchema(refundSchema), 'output'),
};
