import * as z from 'zod';
import { createCustomerBodySchema, createVerificationBodySchema, customerPiiSchema, customerSchema, verificationSchema } from '#compliance';
import { bodyProblems, idempotencyHeader as idempotency, listParams, problems } from './parts.js';

/**
 * The customer (KYC) routes for the merchant API's OpenAPI document: api/openapi/document.ts merges
 * these paths and schemas. They reference that document's `Problem` schema.
 */
function schema(s: z.ZodType, io: 'input' | 'output') {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const idParam = (name: string, prefix: string) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: `^${prefix}_[0-9a-z]{26}$` } });
const idempotencyHeader = idempotency(true);

export const customerOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/v1/customers': {
    post: {
      operationId: 'createCustomer', tags: ['Customers'],
      summary: 'Create a customer (KYC status none)',
      parameters: [idempotencyHeader],
      // Every field is optional: an absent body creates a customer without a reference.
      requestBody: { required: false, content: json('CreateCustomer') },
      responses: {
        '201': {
          description: 'Created', content: json('Customer'),
          links: {
            GetCustomer: { operationId: 'getCustomer', parameters: { id: '$response.body#/id' } },
            CreateCustomerVerification: { operationId: 'createCustomerVerification', parameters: { id: '$response.body#/id' } },
            EraseCustomerPersonalData: { operationId: 'eraseCustomerPersonalData', parameters: { id: '$response.body#/id' } },
          },
        },
        ...problems(...bodyProblems, 409, 422),
      },
    },
    get: {
      operationId: 'listCustomers', tags: ['Customers'],
      summary: 'List customers, newest first',
      parameters: listParams('^cus_[0-9a-z]{26}$'),
      responses: { '200': { description: 'Customers', content: json('CustomerList') }, ...problems(400) },
    },
  },
  '/v1/customers/{id}': {
    get: { operationId: 'getCustomer', tags: ['Customers'], summary: 'Retrieve a customer and its KYC status', parameters: [idParam('id', 'cus')], responses: { '200': { description: 'Customer', content: json('Customer') }, ...problems(400, 404) } },
  },
  '/v1/customers/{id}/verifications': {
    post: {
      operationId: 'createCustomerVerification', tags: ['Customers'],
      summary: 'Submit identity data for verification; decided asynchronously (customer.verification.* events)',
      description:
        'Structurally bad input is a 400 and writes nothing. Well-formed data that fails a check becomes a `rejected` decision; ' +
        'a sanctions match or possible match goes to `review`, resolved by the platform operator, and so does a document number ' +
        'another customer gave (`document_reused`) or given before under another name (`name_changed`). ' +
        'A customer in `review` or `rejected` takes no new verification until the operator resolves it (409 `customer_in_review`, ' +
        '`customer_rejected`); nor does one whose verification is still processing (409 `verification_processing`) or whose ' +
        'personal data is being erased (409 `customer_erasing`). The data is encrypted at rest; ' +
        'only the last four characters of the document number and phone are ever shown.',
      parameters: [idParam('id', 'cus'), idempotencyHeader],
      requestBody: { required: true, content: json('CreateVerification') },
      responses: {
        '202': {
          description: 'Accepted, status processing', content: json('Verification'),
          links: { GetCustomerVerification: { operationId: 'getCustomerVerification', parameters: { id: '$request.path.id', verification: '$response.body#/id' } } },
        },
        ...problems(...bodyProblems, 404, 409, 422),
      },
    },
  },
  '/v1/customers/{id}/verifications/{verification}': {
    get: {
      operationId: 'getCustomerVerification', tags: ['Customers'],
      summary: 'Retrieve a verification and its decision',
      parameters: [idParam('id', 'cus'), idParam('verification', 'kyv')],
      responses: { '200': { description: 'Verification', content: json('Verification') }, ...problems(400, 404) },
    },
  },
  '/v1/customers/{id}/pii': {
    get: {
      operationId: 'revealCustomerPersonalData', tags: ['Customers'],
      summary: "The customer's personal data (its latest verification's), for an admin who asks: every reveal is an audit record naming who asked",
      description:
        'The audit record `customer.pii_revealed` is written, in its own transaction, before the data is opened. ' +
        'A customer whose personal data is being erased is refused (409 `customer_erasing`); once erased, it is gone (410 `pii_erased`). ' +
        'A customer without a verification has nothing to show (404).',
      parameters: [idParam('id', 'cus')],
      responses: { '200': { description: 'The personal data', content: json('CustomerPii') }, ...problems(400, 404, 409, 410) },
    },
    delete: {
      operationId: 'eraseCustomerPersonalData', tags: ['Customers'],
      summary: "Erase the customer's personal data for good; decisions stay on record and the KYC status returns to none (a customer in review or rejected stays so)",
      description:
        'Erases in steps, any number of verifications: the customer first takes no new verification, then its verifications are ' +
        'erased in chunks, then the customer is marked erased (`pii_erased_at`). If the request runs out of time first it answers ' +
        '202 with the customer not yet erased: send it again to resume. Idempotent.',
      parameters: [idParam('id', 'cus')],
      responses: {
        '200': { description: 'Erased', content: json('Customer') },
        '202': { description: 'Erasure under way, not finished in this request: send it again to resume', content: json('Customer') },
        ...problems(400, 404, 409),
      },
    },
  },
};

export const customerOpenApiSchemas: Record<string, unknown> = {
  CreateCustomer: schema(createCustomerBodySchema, 'input'),
  Customer: schema(customerSchema, 'output'),
  CustomerList: schema(z.object({ object: z.literal('list'), data: z.array(customerSchema), has_more: z.boolean() }), 'output'),
  CreateVerification: schema(createVerificationBodySchema, 'input'),
  Verification: schema(verificationSchema, 'output'),
  CustomerPii: schema(customerPiiSchema, 'output'),
};
