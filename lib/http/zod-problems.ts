import type * as z from 'zod';
import { ValidationError, type FieldProblem } from '../errors/index.js';

/** Parses `input` with `schema`, turning every zod issue into a field problem the caller can act on. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ');
  throw new ValidationError(`Invalid ${where}: ${summary}`, problems);
}
