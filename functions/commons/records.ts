import { parser } from '@aws-lambda-powertools/batch/parser';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { DynamoDBMarshalled } from '@aws-lambda-powertools/parser/helpers/dynamodb';
import { DynamoDBStreamChangeRecordBase, DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import * as z from 'zod';
import { logger } from '../../lib/observability/powertools.js';
import { eventSchema } from '../../lib/events/schemas.js';
import { outboxItemSchema } from '../../lib/outbox/items.js';

/**
 * The shapes of the queue and stream records the consumers take, validated by Powertools' parser
 * inside the batch processor: a record that does not parse fails alone (and reaches the
 * dead-letter queue after its retries) without the handler ever seeing it.
 */

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

/** An SQS record whose body is an outbox event; the FIFO processor takes no parser, so its handler parses. */
export const sqsEventRecordSchema = SqsRecordSchema.extend({ body: JSONStringified(eventSchema) });

/** A stream record of an inserted outbox event, merchant or platform (the event source's filter lets only those through). */
export const outboxStreamRecordSchema = DynamoDBStreamRecord.extend({
  eventName: z.literal('INSERT'),
  dynamodb: DynamoDBStreamChangeRecordBase.extend({ NewImage: DynamoDBMarshalled(outboxItemSchema) }),
});

export type OutboxStreamRecord = z.infer<typeof outboxStreamRecordSchema>;
