/**
 * Graded degradation (docs/operations.md#shedding): which routes keep their capacity under overload
 * and which are shed first, as one table.
 *
 * The mechanism is Lambda's: every function has reserved concurrency by class (infra/settings.yml
 * `concurrency`). A critical class's reservation is capacity no other function can take; a sheddable
 * class's is a small cap, and an invocation past it is throttled before it runs, which API Gateway
 * answers with the INTEGRATION_FAILURE gateway response: 503 `overloaded` with Retry-After
 * (infra/api.yml). A route is therefore only as critical as the function that serves it: charge
 * reads share `charges` with charge creation and are never shed; the console's proxy to the API is.
 * test/unit/http/shedding.test.ts holds this table to functions/*.yml, and the OpenAPI document
 * describes each sheddable operation's 503 from it.
 */
export type Grade = 'critical' | 'sheddable';

/** Each reserved-concurrency class of infra/settings.yml, and whether it is served first or shed. */
export const classGrades = {
  authorizer: 'critical',
  // authorize, settle, charges: money held, captured, released; pay-ins opened.
  payments: 'critical',
  // refunds (a payout) and approvals (held payouts wait on them): few calls, money moving.
  moneyApi: 'critical',
  // chain-submit, chain-check, outbox-relay, flow-totals: clearing after the capture.
  pipeline: 'critical',
  // kyc-check: the screening payouts to a customer wait on.
  risk: 'critical',
  // query: reads a merchant can repeat after Retry-After.
  reads: 'sheddable',
  // kyc, webhooks, realtime-tokens, reports-api, statements, liquidity: management and exports.
  api: 'sheddable',
  // checkout pages and the console: public, so the first target of a flood.
  publicPages: 'sheddable',
  websocket: 'sheddable',
  // notify, webhook-deliver: queued, so a cap only lengthens the queue (circuit breakers in front).
  queueWorkers: 'sheddable',
  // forecast-batch, reconcile: scheduled, one at a time.
  sweeps: 'sheddable',
  reports: 'sheddable',
} as const satisfies Record<string, Grade>;

export type ConcurrencyClass = keyof typeof classGrades;

/** Every HTTP route (`METHOD /path`, as functions/*.yml declares it) by grade. */
export const routeGrades = {
  critical: [
    'POST /v1/payments',
    'POST /v1/payments/{id}/capture',
    'POST /v1/payments/{id}/cancel',
    'POST /v1/charges',
    'POST /v1/charges/{id}/cancel',
    // Served by `charges` with its creation: not shed (splitting them out would make them sheddable).
    'GET /v1/charges',
    'GET /v1/charges/{id}',
    'GET /v1/charges/{id}/deposits',
    'POST /v1/charges/{id}/refunds',
    'GET /v1/charges/{id}/refunds',
    'GET /v1/refunds',
    'GET /v1/refunds/{id}',
    'GET /claims/{id}',
    'POST /claims/{id}',
    'GET /v1/approvals',
    'POST /v1/approvals/{id}/approve',
    'POST /v1/approvals/{id}/reject',
    'GET /v1/members',
    'POST /v1/members',
    'POST /v1/members/{id}/revoke',
    'GET /v1/approval_policy',
    'PUT /v1/approval_policy',
  ],
  sheddable: [
    'GET /v1/payments',
    'GET /v1/payments/{id}',
    'GET /v1/balances',
    'GET /v1/balance_transactions',
    'GET /v1/events',
    'GET /v1/events/{id}',
    'GET /v1/chains',
    'GET /v1/openapi.json',
    'GET /v1/statements',
    'GET /v1/audit/status',
    'GET /v1/liquidity',
    'GET /v1/treasury',
    'POST /v1/reports',
    'GET /v1/reports/{id}',
    'POST /v1/realtime/tokens',
    'POST /v1/webhook_endpoints',
    'GET /v1/webhook_endpoints',
    'GET /v1/webhook_endpoints/{id}',
    'DELETE /v1/webhook_endpoints/{id}',
    'POST /v1/webhook_endpoints/{id}/rotate_secret',
    'GET /v1/webhook_endpoints/{id}/attempts',
    'POST /v1/events/{id}/redeliver',
    'GET /v1/events/{id}/attempts',
    'POST /v1/customers',
    'GET /v1/customers',
    'GET /v1/customers/{id}',
    'POST /v1/customers/{id}/verifications',
    'GET /v1/customers/{id}/verifications/{verification}',
    'DELETE /v1/customers/{id}/pii',
    'GET /v1/customers/{id}/pii',
    'GET /v1/kyc/reviews',
    'POST /v1/kyc/verifications/{id}/resolve',
    'GET /checkout/{id}',
    'POST /checkout/{id}/realtime-token',
    'GET /console',
    'GET /console/{proxy+}',
    'GET /console/assets/{name}',
    'GET /console/session',
    'DELETE /console/session',
    'POST /console/session/totp',
    'POST /console/session/passkey-options',
    'POST /console/session/passkey',
    'POST /console/passkeys/registration-options',
    'POST /console/passkeys',
    'POST /console/approvals/passkey-options',
    'GET /console/api/{proxy+}',
    'POST /console/api/{proxy+}',
    'PUT /console/api/{proxy+}',
    'DELETE /console/api/{proxy+}',
  ],
} as const satisfies Record<Grade, readonly string[]>;

/** A route's key with its path parameters unnamed, so `/v1/x/{id}` and `/v1/x/{xid}` are one route. */
export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;

const gradeByRoute = new Map<string, Grade>(
  (Object.entries(routeGrades) as [Grade, readonly string[]][]).flatMap(([grade, routes]) => routes.map((route) => {
    const [method, path] = route.split(' ') as [string, string];
    return [routeKey(method, path), grade] as const;
  })),
);

/** The grade of `method path` (path parameters named as anywhere), or undefined for a route not in the table. */
export function routeGrade(method: string, path: string): Grade | undefined {
  return gradeByRoute.get(routeKey(method, path));
}
