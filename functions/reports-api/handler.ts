import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { actorFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import { parseIdempotencyKey, requestFingerprint } from '#platform';
import { createReport, createReportBodySchema, getReport, reportIdPathSchema } from '#reports';
import { reportApiDeps } from '../commons/report-deps.js';

const deps = reportApiDeps();
const noQuery = z.strictObject({});

const routes: Record<string, (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> = {
  'POST /v1/reports': httpHandler({ body: createReportBodySchema }, async (r) => {
    const key = parseIdempotencyKey(r.header('idempotency-key'), { required: true, route: 'every POST /v1/reports' })!;
    const result = await createReport(deps, {
      merchantId: r.merchantId, idempotencyKey: key, fingerprint: requestFingerprint(r.route, r.body), body: r.body, actor: actorFromAuthorizer(r.authorizer),
    });
    return { status: result.outcome === 'created' ? 201 : 200, body: result.report };
  }),
  'GET /v1/reports/{id}': httpHandler({ path: reportIdPathSchema, query: noQuery }, async (r) => ({ status: 200, body: await getReport(deps, r.merchantId, r.path.id) })),
};

export const handler = async (http: APIGatewayProxyEvent, context: Context) => {
  const route = routes[`${http.httpMethod} ${http.resource}`];
  if (!route) throw new Error(`reports-api: no route for ${http.httpMethod} ${http.resource}`);
  return route(http, context);
};
