import { PageRequest, type ListParams, type Page } from './pagination.js';
import { subscribe, type SubscribeOptions } from './realtime.js';
import { Transport, type RequestOptions } from './request.js';
import { defaultWebSocket, type WebSocketConstructor } from './socket.js';
import type {
  AuditStatus, CustomerPii, EventAttempt, KycReview, KycVerification, ResolveKycVerificationParams,
  ApprovalPolicyView, Chain, CreatedMember, CreateMemberParams, Liquidity, Member, TreasuryStatus, RevokedMember, SetApprovalPolicyParams, SetApprovalPolicyResult,
  Balance, BalanceTransaction, BalanceTransactionListParams, PaymentListParams, CapturePaymentParams, CreatePaymentParams, CreateRealtimeTokenParams, CreateRefundParams, CreateReportParams, CreateWebhookEndpointParams,
  DeletedWebhookEndpoint, LanepayEvent, Payment, RealtimeToken, Redelivery, Refund, Report, WebhookAttempt, WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './types.js';
import { webhooks } from './webhooks.js';

export interface LanepayOptions {
  /** A secret key, `sk_test_...` or `sk_live_...`. */
  apiKey: string;
  /** Where your Lanepay API is deployed, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/prod`. */
  baseUrl: string;
  /** Per attempt; 30 s unless set. */
  timeoutMs?: number;
  /** Retries after the first attempt; 2 unless set. */
  maxRetries?: number;
  /** A Fetch API implementation; the global fetch unless set. */
  fetch?: typeof fetch;
  /** A WebSocket class for realtime; the global WebSocket, else the `ws` package, unless set. */
  WebSocket?: WebSocketConstructor;
}

const id = (value: string) => encodeURIComponent(value);

/** A list endpoint as a page request: `await` it for a page, `for await` it for every item. */
type Lister = <T extends { id: string }>(path: string, params: ListParams, requestOptions?: RequestOptions) => PageRequest<T>;

/** The Lanepay merchant API. Every method takes RequestOptions last (idempotency key, timeout, retries, signal). */
export class Lanepay {
  readonly payments;
  readonly refunds;
  readonly reports;
  readonly balances;
  readonly events;
  readonly webhookEndpoints;
  readonly realtime;
  readonly members;
  readonly approvalPolicy;
  readonly chains;
  readonly liquidity;
  readonly treasury;
  readonly audit;
  readonly kyc;
  readonly webhooks = webhooks;

  constructor(options: LanepayOptions) {
    if (!options.apiKey) throw new TypeError('Lanepay needs an apiKey (sk_test_... or sk_live_...)');
    if (!options.baseUrl) throw new TypeError('Lanepay needs the baseUrl of your deployed API');
    const http = new Transport({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      random: Math.random,
    });
    const list: Lister = <T extends { id: string }>(path: string, params: ListParams, requestOptions?: RequestOptions) =>
      new PageRequest<T>((page) => http.request<Page<T>>({ method: 'GET', path, query: { ...page } }, requestOptions), params);
    this.payments = paymentsResource(http, list);
    this.refunds = refundsResource(http, list);
    this.reports = reportsResource(http);
    this.balances = balancesResource(http, list);
    this.events = eventsResource(http, list);
    this.webhookEndpoints = webhookEndpointsResource(http, list);
    this.realtime = realtimeResource(http, options);
    this.members = membersResource(http, list);
    this.approvalPolicy = approvalPolicyResource(http);
    this.chains = chainsResource(http);
    this.liquidity = liquidityResource(http);
    this.treasury = treasuryResource(http);
    this.audit = auditResource(http);
    this.kyc = kycResource(http, list);
  }
}

function membersResource(http: Transport, list: Lister) {
  return {
    /** In id order; `await` for a page, `for await` for every member. */
    list: (params: ListParams = {}, o?: RequestOptions) => list<Member>('/v1/members', params, o),
    /** The answer carries the member key and otpauth URI, shown this once; with `approval` (status 202) when the policy holds the change. */
    create: (params: CreateMemberParams, o?: RequestOptions) =>
      http.request<CreatedMember>({ method: 'POST', path: '/v1/members', body: params }, o),
    /** Revoked at once, or held (`approval`) under the policy. */
    revoke: (memberId: string, o?: RequestOptions) =>
      http.request<RevokedMember>({ method: 'POST', path: `/v1/members/${id(memberId)}/revoke` }, o),
  };
}

function approvalPolicyResource(http: Transport) {
  return {
    retrieve: (o?: RequestOptions) => http.request<ApprovalPolicyView>({ method: 'GET', path: '/v1/approval_policy' }, o),
    /** The policy now in force, or `{ approval }` when the change is held under the current policy. */
    set: (params: SetApprovalPolicyParams, o?: RequestOptions) =>
      http.request<SetApprovalPolicyResult>({ method: 'PUT', path: '/v1/approval_policy', body: params }, o),
  };
}

function chainsResource(http: Transport) {
  return {
    /** Every chain with its assets and explorer URL template (`{hash}`). */
    list: (o?: RequestOptions) => http.request<{ object: 'list'; data: Chain[]; has_more: false }>({ method: 'GET', path: '/v1/chains' }, o),
  };
}

function auditResource(http: Transport) {
  return {
    /** The last closed period, its anchor and `audit verify` of it (platform merchant only); another merchant's log with `merchant_id`. */
    status: (params: { merchant_id?: string } = {}, o?: RequestOptions) =>
      http.request<AuditStatus>({ method: 'GET', path: '/v1/audit/status', query: params }, o),
  };
}

function kycResource(http: Transport, list: Lister) {
  return {
    /** Verifications waiting for the platform operator, oldest first (platform merchant only). */
    reviews: (params: ListParams = {}, o?: RequestOptions) => list<KycReview>('/v1/kyc/reviews', params, o),
    /** The platform operator's resolution, recorded as made by this key. */
    resolve: (verificationId: string, params: ResolveKycVerificationParams, o?: RequestOptions) =>
      http.request<KycVerification>({ method: 'POST', path: `/v1/kyc/verifications/${id(verificationId)}/resolve`, body: params }, o),
    /** A customer's personal data; every call is an audit record naming this key. */
    revealPersonalData: (customerId: string, o?: RequestOptions) =>
      http.request<CustomerPii>({ method: 'GET', path: `/v1/customers/${id(customerId)}/pii` }, o),
  };
}

function liquidityResource(http: Transport) {
  return {
    /** The platform merchant's view of each hot wallet: position, plan and forecast (403 `platform_only` to others). */
    retrieve: (o?: RequestOptions) => http.request<{ object: 'list'; data: Liquidity[]; has_more: false }>({ method: 'GET', path: '/v1/liquidity' }, o),
  };
}

function treasuryResource(http: Transport) {
  return {
    /** The platform's treasury per chain and its open proposals (403 `platform_only` to others). */
    retrieve: (o?: RequestOptions) => http.request<TreasuryStatus>({ method: 'GET', path: '/v1/treasury' }, o),
  };
}

function paymentsResource(http: Transport, list: Lister) {
  return {
    /** Authorizes a payment (and captures it unless `capture: 'manual'`). Sends an Idempotency-Key, kept across retries. */
    create: (params: CreatePaymentParams, o?: RequestOptions) =>
      http.request<Payment>({ method: 'POST', path: '/v1/payments', body: params, idempotent: true }, o),
    /** Captures a manual payment, in full or `amount` of it. */
    capture: (paymentId: string, params: CapturePaymentParams = {}, o?: RequestOptions) =>
      http.request<Payment>({ method: 'POST', path: `/v1/payments/${id(paymentId)}/capture`, body: params, idempotent: true }, o),
    cancel: (paymentId: string, o?: RequestOptions) =>
      http.request<Payment>({ method: 'POST', path: `/v1/payments/${id(paymentId)}/cancel`, body: {}, idempotent: true }, o),
    retrieve: (paymentId: string, o?: RequestOptions) =>
      http.request<Payment>({ method: 'GET', path: `/v1/payments/${id(paymentId)}` }, o),
    /** Newest first; `await` for a page, `for await` for every payment. */
    list: (params: PaymentListParams = {}, o?: RequestOptions) => list<Payment>('/v1/payments', params, o),
  };
}

function refundsResource(http: Transport, list: Lister) {
  return {
    /**
     * Refunds a charge to `destination` (all of it unless `amount`; `'excess'` for what was paid over), or with `claim: true` to whoever
     * claims it at the refund's `claim_url` with a signature. Sends an Idempotency-Key, kept across retries.
     */
    create: (chargeId: string, params: CreateRefundParams, o?: RequestOptions) =>
      http.request<Refund>({ method: 'POST', path: `/v1/charges/${id(chargeId)}/refunds`, body: params, idempotent: true }, o),
    retrieve: (refundId: string, o?: RequestOptions) =>
      http.request<Refund>({ method: 'GET', path: `/v1/refunds/${id(refundId)}` }, o),
    /** Newest first; `await` for a page, `for await` for every refund. */
    list: (params: ListParams = {}, o?: RequestOptions) => list<Refund>('/v1/refunds', params, o),
    /** A charge's refunds, newest first. */
    listForCharge: (chargeId: string, params: ListParams = {}, o?: RequestOptions) => list<Refund>(`/v1/charges/${id(chargeId)}/refunds`, params, o),
  };
}

function reportsResource(http: Transport) {
  return {
    /** Requests a report over `interval` (`format` csv unless set); it is `pending` until the `report.ready` event. Sends an Idempotency-Key, kept across retries. */
    create: (params: CreateReportParams, o?: RequestOptions) =>
      http.request<Report>({ method: 'POST', path: '/v1/reports', body: params, idempotent: true }, o),
    /** The report; once `ready`, with a download URL signed for a few minutes. */
    retrieve: (reportId: string, o?: RequestOptions) =>
      http.request<Report>({ method: 'GET', path: `/v1/reports/${id(reportId)}` }, o),
  };
}

function balancesResource(http: Transport, list: Lister) {
  return {
    /** One entry per asset: `available` and `pending` (held) in minor units. */
    retrieve: (o?: RequestOptions) => http.request<Page<Balance>>({ method: 'GET', path: '/v1/balances' }, o),
    /** Every movement of the balance, newest first; `await` for a page, `for await` for all of them. */
    transactions: (params: BalanceTransactionListParams = {}, o?: RequestOptions) => list<BalanceTransaction>('/v1/balance_transactions', params, o),
  };
}

function eventsResource(http: Transport, list: Lister) {
  return {
    /** Newest first; `await` for a page, `for await` for every event. `object_id`: only the events about that object (a payment's timeline). */
    list: (params: ListParams & { object_id?: string } = {}, o?: RequestOptions) => list<LanepayEvent>('/v1/events', params, o),
    /** The event's webhook delivery attempts to each endpoint, newest first. */
    attempts: (eventId: string, o?: RequestOptions) =>
      http.request<Page<EventAttempt>>({ method: 'GET', path: `/v1/events/${id(eventId)}/attempts` }, o),
    retrieve: (eventId: string, o?: RequestOptions) =>
      http.request<LanepayEvent>({ method: 'GET', path: `/v1/events/${id(eventId)}` }, o),
    /** Delivers the event again to every enabled endpoint subscribed to it. */
    redeliver: (eventId: string, o?: RequestOptions) =>
      http.request<Redelivery>({ method: 'POST', path: `/v1/events/${id(eventId)}/redeliver` }, o),
  };
}

function webhookEndpointsResource(http: Transport, list: Lister) {
  return {
    /** The answer carries the endpoint's `whsec_` secret, shown this once. */
    create: (params: CreateWebhookEndpointParams, o?: RequestOptions) =>
      http.request<WebhookEndpointWithSecret>({ method: 'POST', path: '/v1/webhook_endpoints', body: params }, o),
    retrieve: (endpointId: string, o?: RequestOptions) =>
      http.request<WebhookEndpoint>({ method: 'GET', path: `/v1/webhook_endpoints/${id(endpointId)}` }, o),
    list: (params: ListParams = {}, o?: RequestOptions) => list<WebhookEndpoint>('/v1/webhook_endpoints', params, o),
    delete: (endpointId: string, o?: RequestOptions) =>
      http.request<DeletedWebhookEndpoint>({ method: 'DELETE', path: `/v1/webhook_endpoints/${id(endpointId)}` }, o),
    /** A new secret, answered once; the old one stops verifying. */
    rotateSecret: (endpointId: string, o?: RequestOptions) =>
      http.request<WebhookEndpointWithSecret>({ method: 'POST', path: `/v1/webhook_endpoints/${id(endpointId)}/rotate_secret` }, o),
    /** Delivery attempts, newest first. */
    attempts: (endpointId: string, params: ListParams = {}, o?: RequestOptions) =>
      list<WebhookAttempt>(`/v1/webhook_endpoints/${id(endpointId)}/attempts`, params, o),
  };
}

function realtimeResource(http: Transport, options: LanepayOptions) {
  const createToken = (params: CreateRealtimeTokenParams = {}, o?: RequestOptions) =>
    http.request<RealtimeToken>({ method: 'POST', path: '/v1/realtime/tokens', body: params }, o);
  return {
    /** A single-use token for `<url>?token=<token>`; give `payment_id` for one a customer's browser may hold. */
    createToken,
    /**
     * Resolves once subscribed, to an async iterator of events (`for await`, then `break` or
     * `close()`); reconnects with a new token when the connection drops.
     */
    subscribe: (subscribeOptions: SubscribeOptions = {}) =>
      subscribe(
        {
          createToken: (params, signal) => createToken(params, signal ? { signal } : {}),
          listEvents: (params) => http.request<Page<LanepayEvent>>({ method: 'GET', path: '/v1/events', query: params }),
          webSocket: async () => options.WebSocket ?? defaultWebSocket(),
          random: Math.random,
        },
        subscribeOptions,
      ),
  };
}
