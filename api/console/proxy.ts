import { NotFoundError } from '#platform';

/** A console request for the API, as the proxy received it (after `/console/api/`). */
export interface ProxiedRequest {
  method: string;
  /** `v1/payments/pay_...`: the API path without its leading slash. */
  path: string;
  /** Query parameters, each with every value given. */
  query: Record<string, string[] | undefined>;
  header(name: string): string | undefined;
  body: string | undefined;
}

export interface ProxiedResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** Request headers the API reads that the page may send; nothing else (never its cookies) goes on. */
const forwardedRequestHeaders = ['content-type', 'accept', 'accept-language', 'idempotency-key', 'lanepay-otp', 'lanepay-passkey'];
/** Response headers the page may need besides the body. */
const returnedResponseHeaders = ['content-type', 'retry-after', 'request-id', 'idempotent-replayed'];

/** Only the merchant API, by a plain path: no `..`, no other prefix, no scheme tricks. */
const apiPath = /^v1(\/[A-Za-z0-9_.~-]+)*$/;

/**
 * Forwards a console request to the API of `baseUrl` with the session's token as its bearer: the
 * authorizer checks it and names the routes its member's role allows (api/http/console-routes.ts),
 * so the console reaches nothing the API would not answer to the member itself. Status, body and
 * content type come back unchanged.
 */
export async function forwardToApi(baseUrl: string, token: string, request: ProxiedRequest, fetchImpl: typeof fetch = fetch): Promise<ProxiedResponse> {
  if (!apiPath.test(request.path) || request.path.split('/').includes('..')) throw new NotFoundError('console API route', `/${request.path}`);
  const url = new URL(`${baseUrl}/${request.path}`);
  for (const [name, values] of Object.entries(request.query)) for (const value of values ?? []) url.searchParams.append(name, value);
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  for (const name of forwardedRequestHeaders) {
    const value = request.header(name);
    if (value !== undefined) headers[name] = value;
  }
  const method = request.method.toUpperCase();
  const response = await fetchImpl(url, { method, headers, ...(method === 'GET' || method === 'HEAD' || request.body === undefined ? {} : { body: request.body }), redirect: 'manual' });
  const returned: Record<string, string> = {};
  for (const name of returnedResponseHeaders) {
    const value = response.headers.get(name);
    if (value !== null) returned[name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`)] = value;
  }
  return { status: response.status, body: await response.text(), headers: returned };
}

/**
 * The API's base URL for a request to the console: the setting when there is one, else this request's
 * own API Gateway stage (its domain and stage name), so the proxy reaches the same stage's API.
 */
export function apiBaseUrl(setting: string, stage: { domainName?: string | undefined; name?: string | undefined }): string {
  if (setting !== '') return setting.replace(/\/+$/, '');
  if (!stage.domainName || !stage.name) throw new Error('No CONSOLE_API_BASE_URL and no domain in the request context');
  return `https://${stage.domainName}/${stage.name}`;
}
