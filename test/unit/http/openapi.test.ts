import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openApiDocument } from '#api/openapi/document.js';
import { allEventTypes } from '#lib/notify/events/schemas.js';
import { openApiFile, renderOpenApi } from '../../../scripts/openapi.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// The route that serves the document is not part of the merchant API it describes, nor is the
// hosted checkout page and refund claim page (HTML for browsers; test/e2e/checkout-page.test.ts and
// test/e2e/claim-page.test.ts drive them), nor the console's routes (its page, its cookie sessions and
// its proxy to this API: docs/console.md; test/e2e/console-sessions.test.ts drives them).
const undocumentedRoutes = new Set(['get /v1/openapi.json', 'get /checkout/{id}', 'get /claims/{id}']);
const isConsoleRoute = (operation: string) => / \/console(\/|$)/.test(operation);

/** `post /v1/payments` for every http event in functions/*.yml. */
function routedOperations(): string[] {
  const files = fs.readdirSync(path.join(repoRoot, 'functions')).filter((file) => file.endsWith('.yml'));
  const functions = files.map((file) => parse(fs.readFileSync(path.join(repoRoot, 'functions', file), 'utf8')) as Record<
    string,
    { events?: { http?: { method: string; path: string } }[] }
  >);
  return functions.flatMap((group) => Object.values(group))
    .flatMap((fn) => fn.events ?? [])
    .flatMap((event) => (event.http ? [`${event.http.method.toLowerCase()} /${event.http.path.replace(/^\//, '')}`] : []))
    .filter((operation) => !undocumentedRoutes.has(operation) && !isConsoleRoute(operation));
}

function documentedOperations(): string[] {
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([route, operations]) => Object.keys(operations).map((method) => `${method} ${route}`));
}

describe('the OpenAPI document', () => {
  it('is committed as generated from the schemas', () => {
    const committed = fs.existsSync(openApiFile) ? fs.readFileSync(openApiFile, 'utf8') : '';
    expect(committed === renderOpenApi(), 'docs/openapi.json is stale or missing: run npm run openapi').toBe(true);
  });

  it('documents exactly the routes functions/*.yml serves', () => {
    const routed = routedOperations().sort();
    const documented = documentedOperations().sort();
    expect(routed.length).toBeGreaterThan(0);
    expect(documented.filter((op) => !routed.includes(op)), 'documented in api/openapi/document.ts but routed by no function').toEqual([]);
    expect(routed.filter((op) => !documented.includes(op)), 'routed in functions/*.yml but missing from api/openapi/document.ts').toEqual([]);
  });

  it('describes CreatePayment as strict, with its required fields', () => {
    const schemas = (openApiDocument().components as { schemas: Record<string, { additionalProperties?: unknown; required?: string[] }> }).schemas;
    const createPayment = schemas.CreatePayment!;
    expect(createPayment.additionalProperties).toBe(false);
    expect(createPayment.required).toEqual(expect.arrayContaining(['amount', 'asset', 'chain', 'destination']));
  });

  it('gives every operation a unique operationId, a summary and its refusals as problem+json', () => {
    const operations = Object.values(openApiDocument().paths as Record<string, Record<string, Operation>>).flatMap((path) => Object.values(path));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(operations.length);
    for (const operation of operations) {
      expect(operation.summary, operation.operationId).toBeTruthy();
      const refusals = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      // A public operation (security: []) asks for no key, so it cannot answer 401.
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      expect(refusals, operation.operationId).toEqual(expect.arrayContaining(isPublic ? ['429', '500', '503'] : ['401', '429', '500', '503']));
      if (isPublic) expect(refusals, operation.operationId).not.toContain('401');
      if (operation.requestBody) expect(refusals, operation.operationId).toEqual(expect.arrayContaining(['400', '413', '415']));
      for (const status of refusals) expect(Object.keys(operation.responses[status]!.content ?? {}), `${operation.operationId} ${status}`).toEqual(['application/problem+json']);
    }
  });

  it('links only to operations that exist', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, Operation>>;
    const operations = Object.values(paths).flatMap((path) => Object.values(path));
    const ids = new Set(operations.map((operation) => operation.operationId));
    const targets = operations.flatMap((operation) => Object.values(operation.responses).flatMap((response) => Object.values(response.links ?? {}).map((link) => link.operationId)));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !ids.has(target))).toEqual([]);
    expect(new Set(targets)).toEqual(new Set(['getPayment', 'capturePayment', 'cancelPayment', 'createRealtimeToken', 'getWebhookEndpoint', 'deleteWebhookEndpoint', 'rotateWebhookEndpointSecret', 'listWebhookEndpointAttempts', 'getEvent', 'redeliverEvent',
      'getCustomer', 'createCustomerVerification', 'eraseCustomerPersonalData', 'getCustomerVerification', 'getCharge', 'cancelCharge', 'listChargeDeposits', 'getRefund', 'getReport']));
  });

  it('describes every event type in the webhooks section with the Standard Webhooks headers', () => {
    const webhooks = openApiDocument().webhooks as Record<string, { post: { parameters: { name: string }[] } }>;
    expect(Object.keys(webhooks).sort()).toEqual([...allEventTypes].sort());
    for (const webhook of Object.values(webhooks)) {
      expect(webhook.post.parameters.map((p) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    }
  });
});

type Operation = {
  operationId: string;
  summary?: string;
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown>; links?: Record<string, { operationId: string }> }>;
};
