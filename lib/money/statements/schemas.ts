import * as z from 'zod';

/** The longest statement one request may ask for: a quarter and a day (a quarter's statement with slack). */
export const statementMaxDays = 93;

/** GET /v1/statements: the window [from, to), RFC 3339 instants. */
export const statementQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
}).refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: '`from` must be before `to`', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= statementMaxDays * 86_400_000, { message: `a statement covers at most ${statementMaxDays} days`, path: ['to'] });
export type StatementQuery = z.infer<typeof statementQuerySchema>;
