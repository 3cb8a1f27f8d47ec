import { createRefundBodySchema, listSchema, refundSchema } from '#money';
import { bodyProblems, idempotencyHeader, idParam, json, jsonExample, jsonSchema, listParams, problems } from './parts.js';

/** The refund routes for the merchant API's OpenAPI document; api/openapi/document.ts merges them. */
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
  RefundList: jsonSchema(listSchema(refundSchema), 'output'),
};
