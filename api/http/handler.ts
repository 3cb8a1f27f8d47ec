import middy from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
import { roleAtLeast, sessionsErrors } from '#merchants';
import { isTraceHeader, logger, metrics, mintTraceHeader, tracer, traceIdOf, UnauthorizedError, withTrace } from '#platform';
import { consoleRoleOf } from './authorizer-context.js';
import { consoleRouteOf } from './console-routes.js';
import { defaultMaxBodyBytes, headerValue, readJsonObjectBody } from './body.js';
import { apiMetrics, problemErrors, requestIdHeader } from './middleware.js';
import { parseOrThrow } from './zod-problems.js';

export interface HttpRequest<B, Q, P> {
  body: B;
  query: Q;
  path: P;
  /** Raw body text, for idempotency fingerprints. */
  rawBody: string;
  /** Method and path with parameters filled in, e.g. `POST /v1/payments/pay_01.../capture`. */
  route: string;
  /** Context the Lambda authorizer attached (flat strings). */
  authorizer: Record<string, unknown>;
  /** Set by the authorizer; present on every authenticated route. */
  merchantId: string;
  requestId: string;
  /** The caller's address as API Gateway saw it (the console's sign-in rate limit). */
  sourceIp: string;
  /** Every value of each query parameter (`query` holds the last of each), for a route that passes them on. */
  queryValues: Record<string, string[] | undefined>;
  /** The API Gateway domain and stage the request came through: the console's proxy reaches the same stage. */
  stage: { domainName?: string | undefined; name?: string | undefined };
  header(name: string): string | undefined;
}

export interface HttpResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (a statement's CSV), sent as is: `headers` then name its Content-Type. */
  text?: string;
}

export interface HttpSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body?: B;
  query?: Q;
  path?: P;
  maxBodyBytes?: number;
  /** Routes outside the merchant API (the OpenAPI document) set this to false. */
  authenticated?: boolean;
  /** Only the approval endpoints set this: every other route refuses member keys (mk_...). */
  acceptsMemberKeys?: boolean;
}

/**
 * The middy stack every HTTP function shares: Powertools logger, tracer and metrics, size-limited
 * JSON parsing, zod validation of body, query and path, security headers, request ids and
 * problem+json errors. `run` receives validated input and knows nothing of API Gateway.
 */
export function httpHandler<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  spec: HttpSpec<B, Q, P>,
  run: (request: HttpRequest<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<HttpResult>,
) {
  const core = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const traceHeader = traceHeaderOf(event);
    logger.appendKeys({ trace_id: traceIdOf(traceHeader) });
    const request = toRequest(event, spec);
    // What the request writes (its outbox events) carries its trace: docs/operations.md, "Tracing a payment".
    const result = await withTrace({ header: traceHeader }, () => run(request));
    return {
      statusCode: result.status,
      headers: { 'Content-Type': 'application/json', ...result.headers },
      body: result.text ?? JSON.stringify(result.body),
    };
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use(apiMetrics())
    .use(httpSecurityHeaders())
    .use(requestIdHeader())
    .use(problemErrors());
}

function toRequest<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  event: APIGatewayProxyEvent,
  spec: HttpSpec<B, Q, P>,
): HttpRequest<z.infer<B>, z.infer<Q>, z.infer<P>> {
  const merchantId = event.requestContext?.authorizer?.merchantId as string | undefined;
  if (spec.authenticated !== false && !merchantId) {
    // API Gateway only invokes authenticated routes after the authorizer allowed them.
    throw new UnauthorizedError('No merchant was authenticated for this request.');
  }
  if (event.requestContext?.authorizer?.principal === 'member' && !spec.acceptsMemberKeys) {
    // The authorizer's policy already limits member keys to the approval routes; this holds even if it did not.
    throw new UnauthorizedError('A member key (mk_...) is accepted only by the approval endpoints; use an API key (sk_...).');
  }
  if (event.requestContext?.authorizer?.principal === 'session') assertSessionRole(event);
  const requestId = event.requestContext?.requestId ?? 'unknown';
  logger.appendKeys({ requestId, merchantId });
  const rawBody = event.body ?? '';
  const body = spec.body
    ? parseOrThrow(spec.body, readJsonObjectBody(event, spec.maxBodyBytes ?? defaultMaxBodyBytes), 'body')
    : undefined;
  const query = spec.query ? parseOrThrow(spec.query, event.queryStringParameters ?? {}, 'query parameters') : undefined;
  const path = spec.path ? parseOrThrow(spec.path, event.pathParameters ?? {}, 'path') : undefined;
  return {
    body: body as z.infer<B>,
    query: query as z.infer<Q>,
    path: path as z.infer<P>,
    rawBody,
    route: `${event.httpMethod} ${filledResource(event)}`,
    authorizer: (event.requestContext?.authorizer ?? {}) as Record<string, unknown>,
    merchantId: merchantId ?? '',
    requestId,
    sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
    queryValues: event.multiValueQueryStringParameters ?? {},
    stage: { domainName: event.requestContext?.domainName, name: event.requestContext?.stage },
    header: (name) => headerValue(event, name),
  };
}

/**
 * A console session again, as for member keys: the authorizer's policy names only its role's rows of
 * api/http/console-routes.ts; this holds even if it did not (a policy built wrong, a route added
 * without its row), answering 403 `role_forbidden` with the role the row asks.
 */
const { RoleForbiddenError } = sessionsErrors;

function assertSessionRole(event: APIGatewayProxyEvent): void {
  const role = consoleRoleOf(event.requestContext.authorizer);
  const route = consoleRouteOf(event.httpMethod, event.resource ?? '');
  if (role === undefined) throw new UnauthorizedError('The console session carries no member role.');
  if (route === undefined) throw new RoleForbiddenError(null, role);
  if (!roleAtLeast(role, route.role)) throw new RoleForbiddenError(route.role, role);
}

/**
 * The request's trace: Lambda's own (`_X_AMZN_TRACE_ID`, set per invocation on AWS), else the one the
 * caller or API Gateway sent, else a new one (serverless-offline has no X-Ray).
 */
function traceHeaderOf(event: APIGatewayProxyEvent): string {
  const lambda = process.env._X_AMZN_TRACE_ID;
  if (isTraceHeader(lambda)) return lambda;
  const sent = headerValue(event, 'x-amzn-trace-id');
  return isTraceHeader(sent) ? sent : mintTraceHeader();
}

/** The matched resource with its parameters substituted: the stage prefix or a custom domain never leak in. */
function filledResource(event: APIGatewayProxyEvent): string {
  return (event.resource ?? event.path).replace(/\{(\w+)\+?\}/g, (_, name: string) => event.pathParameters?.[name] ?? '');
}
