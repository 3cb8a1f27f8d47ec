import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ContentionError, LanepayError, logger, metrics } from '#platform';
import { internalProblem, problemFor, type Problem } from './problem.js';

type Request = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

export function problemResponse(problem: Problem, requestId: string): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': 'application/problem+json', 'Request-Id': requestId },
    body: JSON.stringify(problem),
  };
}

/**
 * Renders errors as RFC 9457 problem+json. Domain errors keep their detail; anything else is a bug:
 * it is logged with its stack and the caller sees a generic 500 that leaks nothing.
 */
export function problemErrors(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const problemErrorsOnError = async (request: Request) => {
    const requestId = request.event.requestContext?.requestId ?? 'unknown';
    const { error } = request;
    if (error instanceof LanepayError) {
      const problem = problemFor(error, request.event.path);
      if (error instanceof ContentionError) logger.warn('write contention, retries exhausted', { code: error.code });
      else if (problem.status >= 500) logger.error('unmapped domain error', { error });
      else logger.info('request refused', { code: error.code, status: problem.status });
      request.response = problemResponse(problem, requestId);
      const retryAfter = error.extensions.retry_after;
      if (typeof retryAfter === 'number') request.response.headers = { ...request.response.headers, 'Retry-After': String(retryAfter) };
      return;
    }
    logger.error('unhandled error', { error });
    request.response = problemResponse(internalProblem(request.event.path), requestId);
  };
  return { onError: problemErrorsOnError };
}

/** Echoes API Gateway's request id so a merchant can quote it to support. */
export function requestIdHeader(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const requestIdHeaderAfter = async (request: Request) => {
    const requestId = request.event.requestContext?.requestId;
    if (request.response && requestId) {
      request.response.headers = { ...request.response.headers, 'Request-Id': requestId };
    }
  };
  return { after: requestIdHeaderAfter };
}

/**
 * The SLIs of every API function (infra/slos.json, docs/slo.md): one request, whether the answer was a
 * server error, and the time the function took, in the invocation's metrics. Used before
 * problemErrors, so its onError sees the problem that error became; a 5xx's problem code goes in as
 * metadata (not a dimension: one series per service), the "top cause" `lanepay slo report` counts,
 * and so does the merchant's id.
 */
export function apiMetrics(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const started = new WeakMap<object, number>();
  const apiMetricsBefore = async (request: Request) => {
    started.set(request, performance.now());
  };
  const record = async (request: Request) => {
    const status = request.response?.statusCode ?? 500;
    metrics.addMetric('ApiRequests', MetricUnit.Count, 1);
    metrics.addMetric('ApiServerErrors', MetricUnit.Count, status >= 500 ? 1 : 0);
    metrics.addMetric('ApiLatency', MetricUnit.Milliseconds, Math.round(performance.now() - (started.get(request) ?? performance.now())));
    if (status >= 500) metrics.addMetadata('code', problemCodeOf(request.response?.body) ?? `http_${status}`);
    // Whose request it was: which merchant a budget burns for (an id, no personal data).
    const merchantId = request.event.requestContext?.authorizer?.merchantId;
    if (typeof merchantId === 'string') metrics.addMetadata('merchantId', merchantId);
  };
  return { before: apiMetricsBefore, after: record, onError: record };
}

function problemCodeOf(body: string | undefined): string | undefined {
  try {
    const code = (JSON.parse(body ?? '') as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
