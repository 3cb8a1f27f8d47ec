/**
 * Names for the API's shapes, read from the generated `paths` (openapi.ts) by route and method
 * rather than by component name, so regenerating after the document changes costs nothing here.
 */
import type { paths } from './openapi.js';

type Method = 'get' | 'post' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Responses<P extends keyof paths, M extends Method> = Operation<P, M> extends { responses: infer R } ? R : never;

/** The JSON body of the route's success answer (200, 201 or 202). */
export type ResponseBody<P extends keyof paths, M extends Method> = JsonContent<Responses<P, M>[Extract<keyof Responses<P, M>, 200 | 201 | 202>]>;
/** The route's JSON request body. */
export type RequestBody<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;
/** The route's query parameters. */
export type QueryParams<P extends keyof paths, M extends Method> = NonNullable<Operation<P, M>['parameters']['query']>;

export type Payment = ResponseBody<'/v1/payments/{id}', 'get'>;
export type CreatePaymentParams = RequestBody<'/v1/payments', 'post'>;
export type CapturePaymentParams = RequestBody<'/v1/payments/{id}/capture', 'post'>;
export type Balance = ResponseBody<'/v1/balances', 'get'>['data'][number];
export type LanepayEvent = ResponseBody<'/v1/events/{id}', 'get'>;
export type EventType = LanepayEvent['type'];
export type WebhookEndpoint = ResponseBody<'/v1/webhook_endpoints/{id}', 'get'>;
export type WebhookEndpointWithSecret = ResponseBody<'/v1/webhook_endpoints', 'post'>;
export type CreateWebhookEndpointParams = RequestBody<'/v1/webhook_endpoints', 'post'>;
export type WebhookAttempt = ResponseBody<'/v1/webhook_endpoints/{id}/attempts', 'get'>['data'][number];
export type Redelivery = ResponseBody<'/v1/events/{id}/redeliver', 'post'>;
export type RealtimeToken = ResponseBody<'/v1/realtime/tokens', 'post'>;
export type CreateRealtimeTokenParams = RequestBody<'/v1/realtime/tokens', 'post'>;

/** DELETE /v1/webhook_endpoints/{id} answers this; docs/openapi.json does not describe the body yet. */
export interface DeletedWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  deleted: true;
}
