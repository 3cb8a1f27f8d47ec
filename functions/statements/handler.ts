import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { httpHandler } from '#api/http/handler.js';
import { auditStatus } from '#audit';
import { assertPlatformMerchant } from '#merchants';
import { buildStatement, statementQuerySchema, statementWindow } from '#money';
import { statementDeps } from '../commons/statement-deps.js';

const deps = statementDeps();
/** A Lambda answers at most 6 MB; headers and the signature line fit in what is left. */
const maxStatementBytes = 5_800_000;

const auditStatusQuerySchema = z.strictObject({ merchant_id: z.string().regex(/^mer_[0-9a-z]{26}$/, 'must be a merchant id (mer_...)').optional() });

const routes: Record<string, (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>> = {
  /** The merchant's signed statement for [from, to), the file `lanepay statement` writes. */
  '/v1/statements': httpHandler({ query: statementQuerySchema }, async (r) => {
    const { fromMs, toMs } = statementWindow(r.query);
    return {
      status: 200,
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="statement.csv"' },
      body: null,
      text: await buildStatement(deps, { merchantId: r.merchantId, fromMs, toMs, maxBytes: maxStatementBytes }),
    };
  }),
  /** The platform's last closed period and its anchor, and `audit verify` of that period for a merchant (the caller's unless named). */
  '/v1/audit/status': httpHandler({ query: auditStatusQuerySchema }, async (r) => {
    assertPlatformMerchant(profileFromAuthorizer(r.authorizer), 'GET /v1/audit/status');
    return { status: 200, body: await auditStatus({ ...deps, chains: deps.registry }, r.query.merchant_id ?? r.merchantId) };
  }),
};

/** GET routes of the statements function, dispatched on the resource API Gateway matched. */
export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  const route = routes[event.resource];
  if (!route) throw new Error(`statements: no route for ${event.resource}`);
  return route(event, context);
};
