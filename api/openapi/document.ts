import * as z from 'zod';
import { balanceSchema, captureBodySchema, chainNameSchema, createPaymentBodySchema, listSchema, paymentSchema, paymentStatuses, statementColumns, statementMaxDays } from '#money';
import {
  attemptSchema, createEndpointBodySchema, deletedEndpointSchema, endpointWithSecretSchema, eventSchema,
  objectIdSchema, redeliverySchema, timelineScanBudget, webhookEndpointSchema,
} from '#notify';
import { balanceTransactionIdPattern, balanceTransactionSchema, balanceTransactionTypes, createdBoundSchema, sourceIdSchema } from '#ledger';
import { chargeOpenApiPaths, chargeOpenApiSchemas } from './charges.js';
import { checkoutOpenApiPaths } from './checkout.js';
import { approvalOpenApiPaths, approvalOpenApiSchemas } from './approvals.js';
import { consoleOpenApiPaths, consoleOpenApiSchemas } from './console.js';
import { customerOpenApiPaths, customerOpenApiSchemas } from './customers.js';
import { realtimeOpenApiPaths } from './realtime.js';
import { refundOpenApiPaths, refundOpenApiSchemas } from './refunds.js';
import { reportOpenApiPaths, reportOpenApiSchemas } from './reports.js';
import { bodyProblems, idempotencyHeader, idParam, json, jsonExample, jsonSchema, listParams, problems, withSheddingResponses } from './parts.js';
import { webhooksSection } from './webhooks.js';
import { httpProblemCodes } from '../http/problem.js';

/**
 * The merchant API's OpenAPI 3.1 document, generated from the same zod schemas that validate
 * requests (zod 4 emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is). Operation ids are
 * stable: the SDK names its methods after them.
 */
let cached: Record<string, unknown> | undefined;

/** The codes Lanepay's functions answer with, by status, from the one table at the edge (api/http/problem.ts). */
function codesByStatus(): string {
  const byStatus = new Map<number, string[]>([[500, ['internal_error']]]);
  for (const { code, status } of httpProblemCodes()) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  return [...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => `${status} ${codes.map((code) => `\`${code}\``).join(', ')}`).join('; ');
}

const problemSchema = z.object({
  type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(),
  code: z.string().meta({
    description: `Stable machine code, one per reason; \`type\` is https://lanepay.dev/problems/<code>. By status: ${codesByStatus()}. `
      + 'The gateway answers some statuses itself with codes of its own (each response\'s description names them).',
  }),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  decline_code: z.string().optional(),
  refundable: z.string().optional().meta({ description: 'On `refund_exceeds_charge`: what may still be refunded of the charge, minor units.' }),
  recovered_address: z.string().nullable().optional().meta({ description: 'On `claim_signature_invalid`: the address the signature recovers to (null: not a signature at all).' }),
  refund_status: z.string().optional().meta({ description: 'On `claim_not_open`: the status of the claim\'s refund.' }),
  retry_after: z.number().int().optional(),
  attempts_left: z.number().int().optional(),
  locked_until: z.string().optional(),
  approval_status: z.string().optional(),
  approvals_asked: z.number().int().optional().meta({ description: 'On `policy_unsatisfiable`: the approvals the policy would ask.' }),
  active_members: z.number().int().optional().meta({ description: 'On `policy_unsatisfiable`: the merchant\'s active members, when known.' }),
  change_hash: z.string().nullable().optional().meta({ description: 'On `change_mismatch`: the hash the request recorded.' }),
  stored_change_hash: z.string().optional().meta({ description: 'On `change_mismatch`: the hash of the change as stored now.' }),
  payment: paymentSchema.optional(),
}).meta({ description: 'RFC 9457 problem details; `code` is stable and `type` is its URL.' });

const ok = (description: string, schemaName: string) => ({ description, content: json(schemaName) });
const paymentId = '$response.body#/id';

/** Where a created or listed payment's id leads (OpenAPI links, walked by stateful testing). */
const paymentLinks = (id: string) => ({
  GetPayment: { operationId: 'getPayment', parameters: { id } },
  CapturePayment: { operationId: 'capturePayment', parameters: { id } },
  CancelPayment: { operationId: 'cancelPayment', parameters: { id } },
  CreatePaymentRealtimeToken: { operationId: 'createRealtimeToken', requestBody: { payment_id: id } },
});
const endpointLinks = (id: string) => ({
  GetWebhookEndpoint: { operationId: 'getWebhookEndpoint', parameters: { id } },
  ListWebhookEndpointAttempts: { operationId: 'listWebhookEndpointAttempts', parameters: { id } },
  RotateWebhookEndpointSecret: { operationId: 'rotateWebhookEndpointSecret', parameters: { id } },
  DeleteWebhookEndpoint: { operationId: 'deleteWebhookEndpoint', parameters: { id } },
});
const eventLinks = (id: string) => ({
  GetEvent: { operationId: 'getEvent', parameters: { id } },
  RedeliverEvent: { operationId: 'redeliverEvent', parameters: { id } },
});

const paths = {
  ...realtimeOpenApiPaths,
  ...customerOpenApiPaths,
  ...chargeOpenApiPaths,
  ...refundOpenApiPaths,
  ...reportOpenApiPaths,
  ...checkoutOpenApiPaths,
  ...approvalOpenApiPaths,
  ...consoleOpenApiPaths,
  '/v1/payments': {
    post: {
      operationId: 'createPayment',
      summary: 'Authorize a payment (and capture it unless capture is manual)',
      tags: ['Payments'],
      parameters: [idempotencyHeader(true)],
      requestBody: {
        required: true,
        content: jsonExample('CreatePayment', { amount: '25000000', asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'manual', metadata: { order: '1042' } }),
      },
      responses: {
        '200': { ...ok('The first result of this Idempotency-Key, replayed', 'Payment'), links: paymentLinks(paymentId) },
        '201': { ...ok('Authorized', 'Payment'), links: paymentLinks(paymentId) },
        ...problems(...bodyProblems, 402, 409, 422),
      },
    },
    get: {
      operationId: 'listPayments',
      summary: 'List payments, newest first, optionally only those of a status, a chain or a time range',
      tags: ['Payments'],
      parameters: [
        ...listParams('^(pay|evt)_[0-9a-z]{26}$'),
        { name: 'status', in: 'query', description: 'Only payments in this status', schema: { type: 'string', enum: [...paymentStatuses] } },
        { name: 'chain', in: 'query', description: 'Only payments on this chain', schema: jsonSchema(chainNameSchema, 'input') },
        { name: 'created[gte]', in: 'query', description: 'Created at or after this instant (RFC 3339)', schema: jsonSchema(createdBoundSchema, 'input') },
        { name: 'created[lt]', in: 'query', description: 'Created before this instant (RFC 3339)', schema: jsonSchema(createdBoundSchema, 'input') },
      ],
      responses: { '200': { ...ok('Payments', 'PaymentList'), links: paymentLinks('$response.body#/data/0/id') }, ...problems(400) },
    },
  },
  '/v1/payments/{id}': {
    get: {
      operationId: 'getPayment', summary: 'Retrieve a payment', tags: ['Payments'],
      parameters: [idParam('pay', 'payment')],
      responses: { '200': ok('Payment', 'Payment'), ...problems(400, 404) },
    },
  },
  '/v1/payments/{id}/capture': {
    post: {
      operationId: 'capturePayment',
      summary: 'Capture an authorized payment, fully or partly; the rest is released',
      tags: ['Payments'],
      parameters: [idParam('pay', 'payment'), idempotencyHeader(false)],
      requestBody: { required: false, content: jsonExample('CapturePayment', { amount: '1000000' }) },
      responses: { '200': ok('Captured', 'Payment'), ...problems(...bodyProblems, 404, 409, 422) },
    },
  },
  '/v1/payments/{id}/cancel': {
    post: {
      operationId: 'cancelPayment',
      summary: 'Cancel an authorized payment, or a payout waiting for approval (its request is closed as canceled), releasing its hold',
      tags: ['Payments'],
      parameters: [idParam('pay', 'payment'), idempotencyHeader(false)],
      responses: { '200': ok('Canceled', 'Payment'), ...problems(400, 404, 409, 422) },
    },
  },
  '/v1/balances': {
    get: {
      operationId: 'listBalances', summary: 'Balances per asset', tags: ['Balances'],
      responses: { '200': ok('Balances', 'BalanceList'), ...problems(400) },
    },
  },
  '/v1/balance_transactions': {
    get: {
      operationId: 'listBalanceTransactions',
      summary: 'List the movements of the balance, newest first: the sum of their `net` in an asset is the balance (`available + pending`)',
      tags: ['Balances'],
      parameters: [
        ...listParams(balanceTransactionIdPattern.source),
        { name: 'type', in: 'query', description: 'Only this type', schema: { type: 'string', enum: [...balanceTransactionTypes] } },
        { name: 'source', in: 'query', description: 'Only the movements of this object (`pay_...`, `ch_...`)', schema: jsonSchema(sourceIdSchema, 'input') },
        { name: 'created[gte]', in: 'query', description: 'Created at or after this instant (RFC 3339)', schema: jsonSchema(createdBoundSchema, 'input') },
        { name: 'created[lt]', in: 'query', description: 'Created before this instant (RFC 3339)', schema: jsonSchema(createdBoundSchema, 'input') },
      ],
      responses: { '200': ok('Balance transactions', 'BalanceTransactionList'), ...problems(400) },
    },
  },
  '/v1/statements': {
    get: {
      operationId: 'getStatement',
      summary: 'A signed statement of [from, to): a CSV line per balance transaction, with the audit record that booked it, its inclusion proof in a closed period, the period\'s signature and anchor; `lanepay statement verify` checks it with the audit public key and a chain RPC (docs/statements.md)',
      tags: ['Balances'],
      parameters: [
        { name: 'from', in: 'query', required: true, description: 'First instant covered (RFC 3339)', schema: jsonSchema(createdBoundSchema, 'input') },
        { name: 'to', in: 'query', required: true, description: `First instant not covered (RFC 3339), after \`from\`, at most ${statementMaxDays} days later`, schema: jsonSchema(createdBoundSchema, 'input') },
      ],
      responses: {
        '200': {
          description: `The statement: \`#\` header lines, a CSV table with the columns ${statementColumns.map((c) => `\`${c}\``).join(', ')}, then \`# signature <base64 DER>\` (ECDSA P-256 by the audit signing key over \`LANEPAY-STATEMENT1 sha256:\` and the SHA-256 hex of every byte before that line)`,
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
        ...problems(400, 422),
      },
    },
  },
  '/v1/events': {
    get: {
      operationId: 'listEvents', summary: 'List events, newest first (kept 30 days); with `object_id`, the events about one object (a payment\'s timeline)',
      description: `With \`object_id\`, the merchant's events from the object's creation on are looked at, at most ${timelineScanBudget} per request: \`has_more\` is then true if more may follow, or if more than \`limit\` matched (page on with \`starting_after\`).`,
      tags: ['Events'],
      parameters: [
        ...listParams('^(pay|evt)_[0-9a-z]{26}$'),
        { name: 'object_id', in: 'query', description: 'Only the events about this object: a payment, charge, refund, webhook endpoint, verification, customer or report', schema: jsonSchema(objectIdSchema, 'input') },
      ],
      responses: { '200': { ...ok('Events', 'EventList'), links: eventLinks('$response.body#/data/0/id') }, ...problems(400) },
    },
  },
  '/v1/events/{id}': {
    get: {
      operationId: 'getEvent', summary: 'Retrieve an event', tags: ['Events'],
      parameters: [idParam('evt', 'event')],
      responses: { '200': ok('Event', 'Event'), ...problems(400, 404) },
    },
  },
  '/v1/events/{id}/redeliver': {
    post: {
      operationId: 'redeliverEvent',
      summary: 'Deliver the event again to every enabled webhook endpoint subscribed to it, even where it was delivered',
      tags: ['Events'],
      parameters: [idParam('evt', 'event')],
      responses: { '202': ok('Deliveries queued', 'Redelivery'), ...problems(400, 404) },
    },
  },
  '/v1/webhook_endpoints': {
    post: {
      operationId: 'createWebhookEndpoint',
      summary: 'Register a webhook endpoint; the answer carries its signing secret, shown only this once',
      tags: ['Webhook endpoints'],
      requestBody: { required: true, content: jsonExample('CreateWebhookEndpoint', { url: 'https://shop.example/webhooks/lanepay', events: ['*'], description: 'Order service' }) },
      responses: {
        '201': { ...ok('Registered', 'WebhookEndpointWithSecret'), links: endpointLinks('$response.body#/id') },
        '202': ok('Held for approval under the merchant\'s approval policy (`approval_id`); registered once approved. Keep the secret now: it is not shown again.', 'WebhookEndpointWithSecret'),
        ...problems(...bodyProblems, 409),
      },
    },
    get: {
      operationId: 'listWebhookEndpoints', summary: 'List webhook endpoints, newest first', tags: ['Webhook endpoints'],
      parameters: listParams('^we_[0-9a-z]{26}$'),
      responses: { '200': { ...ok('Webhook endpoints', 'WebhookEndpointList'), links: endpointLinks('$response.body#/data/0/id') }, ...problems(400) },
    },
  },
  '/v1/webhook_endpoints/{id}': {
    get: {
      operationId: 'getWebhookEndpoint', summary: 'Retrieve a webhook endpoint', tags: ['Webhook endpoints'],
      parameters: [idParam('we', 'webhook endpoint')],
      responses: { '200': ok('Webhook endpoint', 'WebhookEndpoint'), ...problems(400, 404) },
    },
    delete: {
      operationId: 'deleteWebhookEndpoint', summary: 'Delete a webhook endpoint', tags: ['Webhook endpoints'],
      parameters: [idParam('we', 'webhook endpoint')],
      responses: { '200': ok('Deleted', 'DeletedWebhookEndpoint'), ...problems(400, 404) },
    },
  },
  '/v1/webhook_endpoints/{id}/rotate_secret': {
    post: {
      operationId: 'rotateWebhookEndpointSecret',
      summary: 'Replace the signing secret (shown once); the previous one keeps signing beside it for 24 hours',
      tags: ['Webhook endpoints'],
      parameters: [idParam('we', 'webhook endpoint')],
      responses: { '200': ok('Rotated', 'WebhookEndpointWithSecret'), ...problems(400, 404) },
    },
  },
  '/v1/webhook_endpoints/{id}/attempts': {
    get: {
      operationId: 'listWebhookEndpointAttempts',
      summary: 'Delivery attempts of the endpoint, newest first (kept 30 days)',
      tags: ['Webhook endpoints'],
      parameters: [idParam('we', 'webhook endpoint'), ...listParams('^wa_[0-9a-z]{26}$')],
      responses: { '200': ok('Attempts', 'WebhookAttemptList'), ...problems(400, 404) },
    },
  },
};

/** Who the API is, where it runs and how its operations are grouped: the document's parts that hold no schema. */
const documentHeader = {
  openapi: '3.1.0',
  info: {
    title: 'Lanepay merchant API',
    version: '1.0.0',
    description: 'Stablecoin payments with a double-entry ledger. Amounts are integer minor units as decimal strings. '
      + 'Every refusal is RFC 9457 problem+json with a stable `code`.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    contact: { name: 'Lanepay maintainers', url: 'https://lanepay.dev' },
  },
  servers: [
    { url: 'http://localhost:4510', description: 'The local stack (`npm run dev`)' },
    {
      url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
      description: 'A deployment (`npm run deploy`): its API Gateway URL',
      variables: {
        apiId: { default: 'abc123defg', description: 'The REST API id `serverless deploy` prints' },
        region: { default: 'us-east-1' },
        stage: { default: 'dev' },
      },
    },
  ],
  security: [{ apiKey: [] }],
  tags: [
    { name: 'Payments', description: 'Authorize, capture and cancel payments' },
    { name: 'Charges', description: 'Pay-ins: deposit addresses customers pay to, credited once final' },
    { name: 'Refunds', description: 'Money of a charge paid back to the payer, as a payout' },
    { name: 'Reports', description: 'Exports of balance transactions, charges and reconciled payouts, as CSV or Parquet files' },
    { name: 'Balances', description: 'Available and pending funds per asset' },
    { name: 'Events', description: 'What happened, as webhooks and receipts carry it' },
    { name: 'Webhook endpoints', description: 'Where signed events are delivered' },
    { name: 'Customers', description: 'Customers and their identity verification (KYC)' },
    { name: 'Realtime', description: 'Receipts over WebSocket for checkout pages' },
    { name: 'Checkout', description: "The hosted checkout page's own public route (no API key)" },
    { name: 'Approvals', description: 'Payouts and changes held for members\' approval with a one-time code' },
    { name: 'Members', description: 'The members who approve held changes and sign in to the console, and the approval policy' },
    { name: 'Chains', description: 'The chains paid out on, the platform\'s hot-wallet liquidity and its treasury' },
    { name: 'Audit', description: 'The audit log\'s last closed period and its verification' },
    { name: 'Webhook events', description: 'What Lanepay POSTs to your webhook endpoints' },
  ],
};

export function openApiDocument(): Record<string, unknown> {
  cached ??= {
    ...documentHeader,
    paths: withSheddingResponses(paths),
    webhooks: webhooksSection(),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Secret key sk_test_... or sk_live_...' },
        memberKey: { type: 'http', scheme: 'bearer', description: 'Member key mk_test_... or mk_live_... (`lanepay member add`): the approval endpoints only' },
      },
      schemas: {
        CreatePayment: jsonSchema(createPaymentBodySchema, 'input'),
        CapturePayment: jsonSchema(captureBodySchema, 'input'),
        Payment: jsonSchema(paymentSchema, 'output'),
        PaymentList: jsonSchema(listSchema(paymentSchema), 'output'),
        Event: jsonSchema(eventSchema, 'output'),
        EventList: jsonSchema(listSchema(eventSchema), 'output'),
        BalanceList: jsonSchema(listSchema(balanceSchema), 'output'),
        BalanceTransactionList: jsonSchema(listSchema(balanceTransactionSchema), 'output'),
        CreateWebhookEndpoint: jsonSchema(createEndpointBodySchema, 'input'),
        WebhookEndpoint: jsonSchema(webhookEndpointSchema, 'output'),
        WebhookEndpointWithSecret: jsonSchema(endpointWithSecretSchema, 'output'),
        WebhookEndpointList: jsonSchema(listSchema(webhookEndpointSchema), 'output'),
        DeletedWebhookEndpoint: jsonSchema(deletedEndpointSchema, 'output'),
        WebhookAttemptList: jsonSchema(listSchema(attemptSchema), 'output'),
        Redelivery: jsonSchema(redeliverySchema, 'output'),
        ...customerOpenApiSchemas,
        ...chargeOpenApiSchemas,
        ...refundOpenApiSchemas,
        ...reportOpenApiSchemas,
        ...approvalOpenApiSchemas,
        ...consoleOpenApiSchemas,
        Problem: jsonSchema(problemSchema, 'output'),
      },
    },
  };
  return cached;
}

