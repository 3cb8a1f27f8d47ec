import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ContentionError, LanepayError, logger } from '#platform';
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
