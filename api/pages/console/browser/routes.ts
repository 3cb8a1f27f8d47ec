/**
 * The console's pages and their paths under the mount point (`/console` by default). Pure: the
 * app parses `location` with it, links are built with it, and the unit tests read both ways.
 */
export interface PaymentFilters {
  status?: string;
  chain?: string;
  /** Inclusive first day, YYYY-MM-DD. */
  from?: string;
  /** Inclusive last day, YYYY-MM-DD. */
  to?: string;
}

export type Route =
  | { page: 'overview' }
  | { page: 'payments'; filters: PaymentFilters }
  | { page: 'payment'; id: string }
  | { page: 'charges' }
  | { page: 'charge'; id: string }
  | { page: 'approvals' }
  | { page: 'kyc' }
  | { page: 'webhooks' }
  | { page: 'audit' }
  | { page: 'treasury' }
  | { page: 'members' }
  | { page: 'sign-in' }
  | { page: 'not-found'; path: string };

export type PageName = Route['page'];

const filterNames = ['status', 'chain', 'from', 'to'] as const;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const idPattern = /^[a-z]+_[0-9a-z]{8,64}$/;

/** The route of a path (and query) under `base`; anything else is `not-found`, never a guess. */
export function parseRoute(pathname: string, search: string, base: string): Route {
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : null;
  if (rest === null || (rest !== '' && !rest.startsWith('/'))) return { page: 'not-found', path: pathname };
  const parts = rest.split('/').filter((part) => part !== '').map(decodeURIComponent);
  const [first, second, ...more] = parts;
  if (more.length > 0) return { page: 'not-found', path: pathname };
  if (first === undefined) return { page: 'overview' };
  if (second !== undefined) {
    if (first === 'payments' && second.startsWith('pay_') && idPattern.test(second)) return { page: 'payment', id: second };
    if (first === 'charges' && second.startsWith('ch_') && idPattern.test(second)) return { page: 'charge', id: second };
    return { page: 'not-found', path: pathname };
  }
  switch (first) {
    case 'payments':
      return { page: 'payments', filters: parseFilters(search) };
    case 'charges':
    case 'approvals':
    case 'kyc':
    case 'webhooks':
    case 'audit':
    case 'treasury':
    case 'members':
    case 'sign-in':
      return { page: first };
    default:
      return { page: 'not-found', path: pathname };
  }
}

function parseFilters(search: string): PaymentFilters {
  const params = new URLSearchParams(search);
  const filters: PaymentFilters = {};
  for (const name of filterNames) {
    const value = params.get(name)?.trim();
    if (!value) continue;
    if ((name === 'from' || name === 'to') && !dayPattern.test(value)) continue;
    filters[name] = value;
  }
  return filters;
}

/** The path (with query) of a route under `base`. */
export function routePath(route: Route, base: string): string {
  switch (route.page) {
    case 'overview':
      return `${base}/`;
    case 'payments': {
      const params = new URLSearchParams();
      for (const name of filterNames) if (route.filters[name]) params.set(name, route.filters[name]!);
      const query = params.toString();
      return `${base}/payments${query ? `?${query}` : ''}`;
    }
    case 'payment':
      return `${base}/payments/${encodeURIComponent(route.id)}`;
    case 'charge':
      return `${base}/charges/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return route.path;
    default:
      return `${base}/${route.page}`;
  }
}

/**
 * The API path of the payments list with the filters: the API filters (GET /v1/payments `status`,
 * `chain`, `created[gte]`, `created[lt]`), so every page it answers holds only what matches. Days are
 * whole days in UTC, both ends included: `to` is the day before the first one not shown.
 */
export function paymentsListPath(filters: PaymentFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.chain) params.set('chain', filters.chain);
  if (filters.from) params.set('created[gte]', `${filters.from}T00:00:00Z`);
  if (filters.to) params.set('created[lt]', `${nextDay(filters.to)}T00:00:00Z`);
  const query = params.toString();
  return `/v1/payments${query ? `?${query}` : ''}`;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
