import { cancelChargeBodySchema, chargeSchema, createChargeBodySchema, depositSchema, listSchema } from '#money';
import { bodyProblems, idempotencyHeader, idParam, json, jsonExample, jsonSchema, listParams, problems } from './parts.js';

/** The charge (pay-in) routes for the merchant API's OpenAPI document; api/openapi/document.ts merges them. */
const ok = (description: string, schemaName: string) => ({ description, content: json(schemaName) });
const chargeLinks = (id: string) => ({
  GetCharge: { operationId: 'getCharge', parameters: { id } },
  CancelCharge: { operationId: 'cancelCharge', parameters: { id } },
  ListChargeDeposits: { operationId: 'listChargeDeposits', parameters: { id } },
});

export const chargeOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/v1/charges': {
    post: {
      operationId: 'createCharge',
      summary: 'Open a charge: a deposit address per chain for a customer to pay to (without amount: a top-up)',
      tags: ['Charges'],
      parameters: [idempotencyHeader(true)],
      requestBody: {
        required: true,
        content: jsonExample('CreateCharge', { amount: '25000000', asset: 'USDC', expires_in: 1800, description: 'Order 1042', metadata: { order: '1042' } }),
      },
      responses: {
        '200': { ...ok('The first result of this Idempotency-Key, replayed', 'Charge'), links: chargeLinks('$response.body#/id') },
        '201': { ...ok('Opened', 'Charge'), links: chargeLinks('$response.body#/id') },
        ...problems(...bodyProblems, 409, 422),
      },
    },
    get: {
      operationId: 'listCharges',
      summary: 'List charges, newest first',
      tags: ['Charges'],
      parameters: listParams('^ch_[0-9a-z]{26}$'),
      responses: { '200': { ...ok('Charges', 'ChargeList'), links: chargeLinks('$response.body#/data/0/id') }, ...problems(400) },
    },
  },
  '/v1/charges/{id}': {
    get: {
      operationId: 'getCharge', summary: 'Retrieve a charge with its totals, counts and first deposits', tags: ['Charges'],
      parameters: [idParam('ch', 'charge')],
      responses: { '200': ok('Charge', 'Charge'), ...problems(400, 404) },
    },
  },
  '/v1/charges/{id}/deposits': {
    get: {
      operationId: 'listChargeDeposits',
      summary: 'List a charge\'s deposits, newest first (transfers below the minimum deposit are counted on the charge as dust, not listed)',
      tags: ['Charges'],
      parameters: [idParam('ch', 'charge'), ...listParams('^dep_[0-9a-z]{26}$')],
      responses: { '200': ok('Deposits', 'DepositList'), ...problems(400, 404) },
    },
  },
  '/v1/charges/{id}/cancel': {
    post: {
      operationId: 'cancelCharge',
      summary: 'Cancel a charge nothing has reached yet',
      tags: ['Charges'],
      parameters: [idParam('ch', 'charge')],
      requestBody: { required: false, content: json('CancelCharge') },
      responses: { '200': ok('Canceled', 'Charge'), ...problems(...bodyProblems, 404, 409) },
    },
  },
};

export const chargeOpenApiSchemas = {
  CreateCharge: jsonSchema(createChargeBodySchema, 'input'),
  CancelCharge: jsonSchema(cancelChargeBodySchema, 'input'),
  Charge: jsonSchema(chargeSchema, 'output'),
  ChargeList: jsonSchema(listSchema(chargeSchema), 'output'),
  DepositList: jsonSchema(listSchema(depositSchema), 'output'),
};
