import { roleAtLeast, type MemberRole } from '#merchants';

/**
 * What a console session (a member signed in to the console) may call: one row per API route, with
 * the least role that may call it and whether only the platform merchant's members may. The
 * authorizer turns a session into an IAM policy naming exactly the rows its member's role allows
 * (allowSession), and api/http/handler.ts refuses again, with 403 `role_forbidden`, a session whose
 * role is below its route's row: the policy is cached for 60 s, a role may have changed since.
 * A route without a row is refused to every session. An API key (the merchant itself) is not
 * limited by this table; a member key keeps its own three routes (memberRoutes).
 */
export interface ConsoleRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway's resource path with `*` for each path parameter, as in a policy's Resource. */
  path: string;
  role: MemberRole;
  platformOnly?: true;
}

const viewer = (path: string, platformOnly?: true): ConsoleRoute => ({ method: 'GET', path, role: 'viewer', ...(platformOnly ? { platformOnly } : {}) });

export const consoleRoutes: readonly ConsoleRoute[] = [
  // viewer: every read the console makes
  ...[
    '/v1/balances', '/v1/balance_transactions', '/v1/payments', '/v1/payments/*', '/v1/charges', '/v1/charges/*',
    '/v1/charges/*/deposits', '/v1/charges/*/refunds', '/v1/refunds', '/v1/refunds/*', '/v1/events', '/v1/events/*',
    '/v1/events/*/attempts', '/v1/approvals', '/v1/webhook_endpoints', '/v1/webhook_endpoints/*',
    '/v1/webhook_endpoints/*/attempts', '/v1/customers', '/v1/customers/*', '/v1/members', '/v1/approval_policy', '/v1/chains',
  ].map((path) => viewer(path)),
  ...['/v1/liquidity', '/v1/treasury', '/v1/audit/status', '/v1/kyc/reviews'].map((path) => viewer(path, true)),
  // approver: decisions
  { method: 'POST', path: '/v1/approvals/*/approve', role: 'approver' },
  { method: 'POST', path: '/v1/approvals/*/reject', role: 'approver' },
  { method: 'POST', path: '/v1/kyc/verifications/*/resolve', role: 'approver', platformOnly: true },
  // admin: changes to the merchant's set-up, and personal data
  { method: 'POST', path: '/v1/events/*/redeliver', role: 'admin' },
  { method: 'POST', path: '/v1/webhook_endpoints/*/rotate_secret', role: 'admin' },
  { method: 'POST', path: '/v1/members', role: 'admin' },
  { method: 'POST', path: '/v1/members/*/revoke', role: 'admin' },
  { method: 'PUT', path: '/v1/approval_policy', role: 'admin' },
  { method: 'GET', path: '/v1/customers/*/pii', role: 'admin' },
];

/** The rows a member of this role (of the platform merchant or not) may call. */
export function consoleRoutesFor(role: MemberRole, platform: boolean): ConsoleRoute[] {
  return consoleRoutes.filter((route) => roleAtLeast(role, route.role) && (platform || !route.platformOnly));
}

/** `GET/v1/payments/*`: a row as a policy names it (after `<api arn>/<stage>/`). */
export function policyRoute(route: ConsoleRoute): string {
  return `${route.method}${route.path}`;
}

/** The row a concrete path falls under (`/v1/payments/pay_01...`: `*` stands for one segment); undefined: none. */
export function consoleRouteOfPath(method: string, path: string): ConsoleRoute | undefined {
  const segments = path.split('/');
  return consoleRoutes.find((route) => {
    if (route.method !== method.toUpperCase()) return false;
    const pattern = route.path.split('/');
    return pattern.length === segments.length && pattern.every((part, index) => part === '*' ? segments[index] !== '' : part === segments[index]);
  });
}

/** The row of a request, by its method and API Gateway resource (`/v1/payments/{id}`); undefined: no session may call it. */
export function consoleRouteOf(method: string, resource: string): ConsoleRoute | undefined {
  const path = resource.replace(/\{[^}]+\}/g, '*');
  return consoleRoutes.find((route) => route.method === method.toUpperCase() && route.path === path);
}
