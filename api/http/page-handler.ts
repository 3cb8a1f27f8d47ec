import middy from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger, metrics, tracer } from '#platform';
import { headerValue } from './body.js';
import { problemErrors, requestIdHeader } from './middleware.js';

/** A public HTML page's request: its path parameters, query and headers as API Gateway gives them. */
export interface PageRequest {
  path: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  header(name: string): string | undefined;
  /** The API Gateway domain and stage the request came through (the console mounts its page under it). */
  stage: { domainName?: string | undefined; name?: string | undefined };
}

export interface PageResult {
  status: number;
  html: string;
}

export interface PageSpec {
  /** The page's Content-Security-Policy directives (api/pages/checkout/csp.ts); they replace middy's defaults. */
  contentSecurityPolicy: Record<string, string>;
  /** Permissions-Policy features the page uses, e.g. `{ 'clipboard-write': 'self' }`. */
  permissions?: Record<string, string>;
}

/**
 * The middy stack of a public HTML page (no authorizer): Powertools, security headers with the
 * page's own CSP, request ids; never cached, since a page carries live state. Unexpected errors
 * still answer problem+json, as every route does. Query parameters are read, never refused: a
 * page link with extra parameters (tracking, a typo) must still open.
 */
export function pageHandler(spec: PageSpec, run: (request: PageRequest) => Promise<PageResult>) {
  const core = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    logger.appendKeys({ requestId: event.requestContext?.requestId });
    const result = await run({
      path: event.pathParameters ?? {},
      query: event.queryStringParameters ?? {},
      header: (name) => headerValue(event, name),
      stage: { domainName: event.requestContext?.domainName, name: event.requestContext?.stage },
    });
    return {
      statusCode: result.status,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Vary: 'Accept-Language' },
      body: result.html,
    };
  };
  return middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use(httpSecurityHeaders({
      contentSecurityPolicy: withoutMiddyDefaults(spec.contentSecurityPolicy),
      ...(spec.permissions ? { permissionsPolicy: spec.permissions } : {}),
    }))
    .use(requestIdHeader())
    .use(problemErrors());
}

/**
 * middy merges the CSP given over its defaults; a default absent from `directives` is switched off
 * (false drops it): `sandbox` would forbid the page's script, `upgrade-insecure-requests` the local
 * stack's http and ws, `navigate-to` is not a directive browsers know, and no `csp` report group exists.
 */
function withoutMiddyDefaults(directives: Record<string, string>): Record<string, string> {
  const off = { sandbox: false, 'upgrade-insecure-requests': false, 'navigate-to': false, 'report-to': false } as unknown as Record<string, string>;
  return { ...off, ...directives };
}
