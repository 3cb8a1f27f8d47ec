import { parser } from '@aws-lambda-powertools/batch/parser';
import type * as z from 'zod';
import { logger } from '#platform';

// The batch processor's options, apart from records.ts so a consumer of other records (report jobs)
// does not bundle the union of every event that module builds.

/**
 * The batch utility reports a record that fails to parse at debug level; here it is a warning,
 * since it is a bug upstream (zod's messages name paths and expectations, not values).
 */
export const batchLogger = {
  debug: (message: string, ...rest: unknown[]) => (message.startsWith('Failed to parse record') ? logger.warn(message) : logger.debug(message, ...(rest as []))),
  warn: (message: string, ...rest: unknown[]) => logger.warn(message, ...(rest as [])),
  error: (message: string, ...rest: unknown[]) => logger.error(message, ...(rest as [])),
};

/** BatchProcessor options for SQS records whose body is JSON of `schema`. */
export function sqsJsonBodies<T extends z.ZodType>(schema: T) {
  return { parser, innerSchema: schema, transformer: 'json' as const, logger: batchLogger };
}

/** BatchProcessor options for records of the whole `schema`. */
export function recordsOf<T extends z.ZodType>(schema: T) {
  return { parser, schema, logger: batchLogger };
}
