import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { actorFromAuthorizer, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import { eventIdPathSchema } from '#money';
import {
  attemptListQuerySchema, createEndpoint, createEndpointBodySchema, deleteEndpoint, endpointIdPathSchema,
  endpointListQuerySchema, getEndpoint, listAttempts, listEndpoints, listEventAttempts, redeliverEvent, rotateSecret,
} from '#notify';
import { webhookDeps } from '../commons/webhook-deps.js';

const deps = webhookDeps();
const noQuery = z.strictObject({});
const page = (query: { limit: number; starting_after?: string | undefined }) => ({ limit: query.limit, ...(query.starting_after ? { startingAfter: query.starting_after } : {}) });

type Route = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;
const routes: Record<string, Route> = {
  'POST /v1/webhook_endpoints': httpHandler({ body: createEndpointBodySchema, query: noQuery }, async (r) => {
    const created = await createEndpoint(deps, r.merchantId, r.body, profileFromAuthorizer(r.authorizer).approvals, actorFromAuthorizer(r.authorizer));
    // 202: held for approval under the merchant's policy; it exists (and receives events) once approved.
    return { status: created.approval_id ? 202 : 201, body: created };
  }),
  'GET /v1/webhook_endpoints': httpHandler({ query: endpointListQuerySchema }, async (r) => ({
    status: 200, body: await listEndpoints(deps, r.merchantId, page(r.query)),
  })),
  'GET /v1/webhook_endpoints/{id}': httpHandler({ path: endpointIdPathSchema, query: noQuery }, async (r) => ({
    status: 200, body: await getEndpoint(deps, r.merchantId, r.path.id),
  })),
  'DELETE /v1/webhook_endpoints/{id}': httpHandler({ path: endpointIdPathSchema, query: noQuery }, async (r) => ({
    status: 200, body: await deleteEndpoint(deps, r.merchantId, r.path.id, actorFromAuthorizer(r.authorizer)),
  })),
  'POST /v1/webhook_endpoints/{id}/rotate_secret': httpHandler({ path: endpointIdPathSchema, query: noQuery }, async (r) => ({
    status: 200, body: await rotateSecret(deps, r.merchantId, r.path.id, actorFromAuthorizer(r.authorizer)),
  })),
  'GET /v1/webhook_endpoints/{id}/attempts': httpHandler({ path: endpointIdPathSchema, query: attemptListQuerySchema }, async (r) => ({
    status: 200, body: await listAttempts(deps, r.merchantId, r.path.id, page(r.query)),
  })),
  'GET /v1/events/{id}/attempts': httpHandler({ path: eventIdPathSchema, query: noQuery }, async (r) => ({
    status: 200, body: await listEventAttempts(deps, r.merchantId, r.path.id),
  })),
  'POST /v1/events/{id}/redeliver': httpHandler({ path: eventIdPathSchema, query: noQuery }, async (r) => ({
    status: 202, body: await redeliverEvent(deps, r.merchantId, r.path.id),
  })),
};

/** Webhook endpoints of the merchant API, dispatched on method and the resource API Gateway matched. */
export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  const route = routes[`${event.httpMethod} ${event.resource}`];
  if (!route) throw new Error(`webhooks: no route for ${event.httpMethod} ${event.resource}`);
  return route(event, context);
};
