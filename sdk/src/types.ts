/**
 * Names for the API's shapes, read from the generated `paths` (openapi.ts) by route and method
 * rather than by component name, so regenerating after the document changes costs nothing here.
 */
import type { paths } from './openapi.js';

type Method = 'get' | 'post' | 'put' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Responses<P extends keyof paths, M extends Method> = Operation<P, M> extends { responses: infer R } ? R : never;

/** The JSON body of the route's success answer (200, 201 or 202). */
export type ResponseBody<P extends keyof paths, M extends Method> = JsonContent<Responses<P, M>[Extract<keyof Responses<P, M>, 200 | 201 | 202>]>;
/** The route's JSON request body. */
export type RequestBody<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;
type Item<List> = List extends { data: (infer T)[] } ? T : never;

// Interfaces (not aliases) so editors and the built .d.ts show these names, not their expansion.
export interface Payment extends ResponseBody<'/v1/payments/{id}', 'get'> {}
export interface CreatePaymentParams extends RequestBody<'/v1/payments', 'post'> {}
export interface Refund extends ResponseBody<'/v1/refunds/{id}', 'get'> {}
/** A refund to `destination`, or with `claim: true` through a claim link (the document's oneOf: never both): a type, as a union cannot be an interface. */
export type CreateRefundParams = RequestBody<'/v1/charges/{id}/refunds', 'post'>;
/** A claim refund's claim as its public page shows it (POST /claims/{id} answers it): the payer's side of `claim: true`. */
export interface RefundClaim extends ResponseBody<'/claims/{id}', 'post'> {}
/** What the payer sends to claim a refund: the address and its personal_sign signature of the claim's message. */
export interface ClaimRefundParams extends RequestBody<'/claims/{id}', 'post'> {}
/** A report and, once `ready`, its `download` URL (valid a few minutes; retrieve again for a fresh one). */
export interface Report extends ResponseBody<'/v1/reports/{id}', 'get'> {}
export interface CreateReportParams extends RequestBody<'/v1/reports', 'post'> {}
export interface CapturePaymentParams extends RequestBody<'/v1/payments/{id}/capture', 'post'> {}
export interface Balance extends Item<ResponseBody<'/v1/balances', 'get'>> {}
/** One movement of the balance; the sum of `net` over an asset's transactions is its balance. */
export interface BalanceTransaction extends Item<ResponseBody<'/v1/balance_transactions', 'get'>> {}
/** Filters of `payments.list`, beside `limit` and `starting_after`. */
export interface PaymentListParams {
  limit?: number;
  starting_after?: string;
  status?: Payment['status'];
  chain?: string;
  /** RFC 3339 instants: created at or after, and before. */
  'created[gte]'?: string;
  'created[lt]'?: string;
}
/** Filters of `balances.transactions`, beside `limit` and `starting_after`. */
export interface BalanceTransactionListParams {
  limit?: number;
  starting_after?: string;
  type?: BalanceTransaction['type'];
  /** Only the movements of this object (`pay_...`, `ch_...`). */
  source?: string;
  /** RFC 3339 instants: created at or after, and before. */
  'created[gte]'?: string;
  'created[lt]'?: string;
}
export interface WebhookEndpoint extends ResponseBody<'/v1/webhook_endpoints/{id}', 'get'> {}
export interface WebhookEndpointWithSecret extends ResponseBody<'/v1/webhook_endpoints', 'post'> {}
export interface CreateWebhookEndpointParams extends RequestBody<'/v1/webhook_endpoints', 'post'> {}
export interface WebhookAttempt extends Item<ResponseBody<'/v1/webhook_endpoints/{id}/attempts', 'get'>> {}
export interface Redelivery extends ResponseBody<'/v1/events/{id}/redeliver', 'post'> {}
export interface RealtimeToken extends ResponseBody<'/v1/realtime/tokens', 'post'> {}
export interface CreateRealtimeTokenParams extends RequestBody<'/v1/realtime/tokens', 'post'> {}

/** A member (who approves held changes and signs in to the console); never its key or secret. */
export interface Member extends Item<ResponseBody<'/v1/members', 'get'>> {}
export interface CreateMemberParams extends RequestBody<'/v1/members', 'post'> {}
/** A member just added: `key` and `otpauth_uri` are shown this once; `approval` when the add is held. */
export interface CreatedMember extends ResponseBody<'/v1/members', 'post'> {}
export interface RevokedMember extends ResponseBody<'/v1/members/{id}/revoke', 'post'> {}
export interface ApprovalPolicyView extends ResponseBody<'/v1/approval_policy', 'get'> {}
export interface SetApprovalPolicyParams extends RequestBody<'/v1/approval_policy', 'put'> {}
/** PUT /v1/approval_policy: the policy now in force, or `{ approval }` when the change is held. */
export type SetApprovalPolicyResult = ResponseBody<'/v1/approval_policy', 'put'>;
export interface Chain extends Item<ResponseBody<'/v1/chains', 'get'>> {}
export interface Liquidity extends Item<ResponseBody<'/v1/liquidity', 'get'>> {}
/** The treasury per chain (Safe, owners, balances, hot wallets against plan) and its open proposals (platform merchant only). */
export interface TreasuryStatus extends ResponseBody<'/v1/treasury', 'get'> {}

/** The last closed audit period, its anchor and its verification for a merchant (platform merchant only). */
export interface AuditStatus extends ResponseBody<'/v1/audit/status', 'get'> {}
/** A verification waiting for the platform operator, without personal data. */
export interface KycReview extends Item<ResponseBody<'/v1/kyc/reviews', 'get'>> {}
export interface ResolveKycVerificationParams extends RequestBody<'/v1/kyc/verifications/{id}/resolve', 'post'> {}
export interface KycVerification extends ResponseBody<'/v1/kyc/verifications/{id}/resolve', 'post'> {}
/** One delivery attempt of an event to one endpoint. */
export interface EventAttempt extends Item<ResponseBody<'/v1/events/{id}/attempts', 'get'>> {}
/** A customer's personal data, revealed to whoever asks (each reveal is an audit record). */
export interface CustomerPii extends ResponseBody<'/v1/customers/{id}/pii', 'get'> {}

type AnyEvent = ResponseBody<'/v1/events/{id}', 'get'>;
/** An event about a payment; `data.object` is the payment after the change. */
export interface PaymentEvent extends Extract<AnyEvent, { data: { object: { object: 'payment' } } }> {}
/** An event about one of your webhook endpoints (failing, disabled). */
export interface WebhookEndpointEvent extends Extract<AnyEvent, { data: { object: { object: 'webhook_endpoint' } } }> {}
/** Every event, as the events API, webhooks and realtime deliver it; narrow it by `type`. */
export type LanepayEvent = PaymentEvent | WebhookEndpointEvent;
export type EventType = LanepayEvent['type'];

/** DELETE /v1/webhook_endpoints/{id} answers this; docs/openapi.json does not describe the body yet. */
export interface DeletedWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  deleted: true;
}
