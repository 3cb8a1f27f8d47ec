import { httpHandler } from '#api/http/handler.js';
import { buildStatement, statementQuerySchema, statementWindow } from '#money';
import { statementDeps } from '../commons/statement-deps.js';

const deps = statementDeps();
/** A Lambda answers at most 6 MB; headers and the signature line fit in what is left. */
const maxStatementBytes = 5_800_000;

/** GET /v1/statements: the merchant's signed statement for [from, to), the file `lanepay statement` writes. */
export const handler = httpHandler({ query: statementQuerySchema }, async (r) => {
  const { fromMs, toMs } = statementWindow(r.query);
  return {
    status: 200,
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="statement.csv"' },
    body: null,
    text: await buildStatement(deps, { merchantId: r.merchantId, fromMs, toMs, maxBytes: maxStatementBytes }),
  };
});
