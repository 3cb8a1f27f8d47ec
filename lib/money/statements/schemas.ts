import * as z from 'zod';
import { StatementWindowError } from './errors.js';

/** The longest statement one request may ask for: a quarter and a day (a quarter's statement with slack). */
export const statementMaxDays = 93;

/**
 * GET /v1/statements: the window [from, to), RFC 3339 instants. How the two relate (order, length)
 * is checked by `statementWindow`: a rule across two parameters, which no parameter's schema in the
 * OpenAPI document can state, is a 422, not a 400 for a malformed request.
 */
export const statementQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});
export type StatementQuery = z.infer<typeof statementQuerySchema>;

/** The window in milliseconds, or StatementWindowError: `from` not before `to`, or longer than statementMaxDays. */
export function statementWindow(query: StatementQuery): { fromMs: number; toMs: number } {
  const fromMs = Date.parse(query.from);
  const toMs = Date.parse(query.to);
  if (!(fromMs < toMs)) throw new StatementWindowError('must be later than `from`');
  if (toMs - fromMs > statementMaxDays * 86_400_000) throw new StatementWindowError(`must be at most ${statementMaxDays} days after \`from\``);
  return { fromMs, toMs };
}
