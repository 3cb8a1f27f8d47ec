import { z } from 'zod';
import { customerOpenApiPaths, customerOpenApiSchemas } from '../customers/openapi.js';
import { realtimeOpenApiPaths } from '../realtime/openapi.js';
import { balanceSchema, captureBodySchema, createPaymentBodySchema, listSchema, paymentSchema } from '../payments/schemas.js';
import { eventSchema } from '../events/schemas.js';
import { webhookEndpointSchema } from '../webhooks/endpoint.js';
import { attemptSchema, createEndpointBodySchema, endpointWithSecretSchema, redeliverySchema } from '../webhooks/schemas.js';

/**
 * The merchant API's OpenAPI 3.1 document, generated from the same zod schemas that validate
 * requests (zod 4 emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
let cached: Record<string, unknown> | undefined;

const problemSchema = z.object({
  type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), code: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  decline_code: z.string().optional(),
  payment: paymentSchema.optional(),
});

function schema(s: z.ZodType, io: 'input' | 'output') {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const idParam = (prefix: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: `^${prefix}_[0-9a-z]{26}$` } });
const idempotencyHeader = (required: boolean) => ({ name: 'Idempotency-Key', in: 'header', required, schema: { type: 'string', maxLength: 255 } });
const listParams = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
  { name: 'starting_after', in: 'query', schema: { type: 'string' } },
];
const common = { '400': problem('Invalid request'), '401': problem('Missing, malformed, unknown or revoked API key') };

export function openApiDocument(): Record<string, unknown> {
  cached ??= {
    openapi: '3.1.0',
    info: { title: 'Lanepay merchant API', version: '1.0.0', description: 'Stablecoin payments with a double-entry ledger. Amounts are integer minor units as decimal strings.' },
    security: [{ apiKey: [] }],
    paths: {
      ...realtimeOpenApiPaths,
      ...customerOpenApiPaths,
      '/v1/payments': {
        post: {
          summary: 'Authorize a payment (and capture it unless capture is manual)',
          parameters: [idempotencyHeader(true)],
          requestBody: { required: true, content: json('CreatePayment') },
          responses: {
            '201': { description: 'Authorized', content: json('Payment') }, ...common,
            '402': problem('Declined: the payment is recorded with status declined'),
            '409': problem('A request with this Idempotency-Key is in flight'),
            '422': problem('Idempotency-Key reused with a different request'),
          },
        },
        get: { summary: 'List payments, newest first', parameters: listParams, responses: { '200': { description: 'Payments', content: json('PaymentList') }, ...common } },
      },
      '/v1/payments/{id}': { get: { summary: 'Retrieve a payment', parameters: [idParam('pay')], responses: { '200': { description: 'Payment', content: json('Payment') }, '404': problem('Not found'), ...common } } },
      '/v1/payments/{id}/capture': {
        post: {
          summary: 'Capture an authorized payment, fully or partly; the rest is released',
          parameters: [idParam('pay'), idempotencyHeader(false)],
          requestBody: { required: false, content: json('CapturePayment') },
          responses: { '200': { description: 'Captured', content: json('Payment') }, '404': problem('Not found'), '409': problem('Not capturable in its state'), ...common },
        },
      },
      '/v1/payments/{id}/cancel': {
        post: {
          summary: 'Cancel an authorized payment, releasing its hold',
          parameters: [idParam('pay'), idempotencyHeader(false)],
          responses: { '200': { description: 'Canceled', content: json('Payment') }, '404': problem('Not found'), '409': problem('Not cancelable in its state'), ...common },
        },
      },
      '/v1/balances': { get: { summary: 'Balances per asset', responses: { '200': { description: 'Balances', content: json('BalanceList') }, ...common } } },
      '/v1/events': { get: { summary: 'List events, newest first (kept 30 days)', parameters: listParams, responses: { '200': { description: 'Events', content: json('EventList') }, ...common } } },
      '/v1/events/{id}': { get: { summary: 'Retrieve an event', parameters: [idParam('evt')], responses: { '200': { description: 'Event', content: json('Event') }, '404': problem('Not found'), ...common } } },
      '/v1/events/{id}/redeliver': {
        post: {
          summary: 'Deliver the event again to every enabled webhook endpoint subscribed to it, even where it was delivered',
          parameters: [idParam('evt')],
          responses: { '202': { description: 'Deliveries queued', content: json('Redelivery') }, '404': problem('Not found'), ...common },
        },
      },
      '/v1/webhook_endpoints': {
        post: {
          summary: 'Register a webhook endpoint; the answer carries its signing secret, shown only this once',
          requestBody: { required: true, content: json('CreateWebhookEndpoint') },
          responses: { '201': { description: 'Registered', content: json('WebhookEndpointWithSecret') }, ...common },
        },
        get: { summary: 'List webhook endpoints, newest first', parameters: listParams, responses: { '200': { description: 'Webhook endpoints', content: json('WebhookEndpointList') }, ...common } },
      },
      '/v1/webhook_endpoints/{id}': {
        get: { summary: 'Retrieve a webhook endpoint', parameters: [idParam('we')], responses: { '200': { description: 'Webhook endpoint', content: json('WebhookEndpoint') }, '404': problem('Not found'), ...common } },
        delete: { summary: 'Delete a webhook endpoint', parameters: [idParam('we')], responses: { '200': { description: 'Deleted' }, '404': problem('Not found'), ...common } },
      },
      '/v1/webhook_endpoints/{id}/rotate_secret': {
        post: {
          summary: 'Replace the signing secret (shown once); the previous one keeps signing beside it for 24 hours',
          parameters: [idParam('we')],
          responses: { '200': { description: 'Rotated', content: json('WebhookEndpointWithSecret') }, '404': problem('Not found'), ...common },
        },
      },
      '/v1/webhook_endpoints/{id}/attempts': {
        get: {
          summary: 'Delivery attempts of the endpoint, newest first (kept 30 days)',
          parameters: [idParam('we'), ...listParams],
          responses: { '200': { description: 'Attempts', content: json('WebhookAttemptList') }, '404': problem('Not found'), ...common },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Secret key sk_test_... or sk_live_...' } },
      schemas: {
        CreatePayment: schema(createPaymentBodySchema, 'input'),
        CapturePayment: schema(captureBodySchema, 'input'),
        Payment: schema(paymentSchema, 'output'),
        PaymentList: schema(listSchema(paymentSchema), 'output'),
        Event: schema(eventSchema, 'output'),
        EventList: schema(listSchema(eventSchema), 'output'),
        BalanceList: schema(listSchema(balanceSchema), 'output'),
        CreateWebhookEndpoint: schema(createEndpointBodySchema, 'input'),
        WebhookEndpoint: schema(webhookEndpointSchema, 'output'),
        WebhookEndpointWithSecret: schema(endpointWithSecretSchema, 'output'),
        WebhookEndpointList: schema(listSchema(webhookEndpointSchema), 'output'),
        WebhookAttemptList: schema(listSchema(attemptSchema), 'output'),
        Redelivery: schema(redeliverySchema, 'output'),
        ...customerOpenApiSchemas,
        Problem: schema(problemSchema, 'output'),
      },
    },
  };
  return cached;
}
