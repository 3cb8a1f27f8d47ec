import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { DynamoDBMarshalled } from '@aws-lambda-powertools/parser/helpers/dynamodb';
import { DynamoDBStreamChangeRecordBase, DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import * as z from 'zod';
import { eventSchema, outboxItemSchema } from '#notify';

/**
 * The shapes of the queue and stream records the consumers take, validated by Powertools' parser
 * inside the batch processor: a record that does not parse fails alone (and reaches the
 * dead-letter queue after its retries) without the handler ever seeing it.
 */

export { batchLogger, recordsOf, sqsJsonBodies } from './batch.js';

/** An SQS record whose body is an outbox event; the FIFO processor takes no parser, so its handler parses. */
export const sqsEventRecordSchema = SqsRecordSchema.extend({ body: JSONStringified(eventSchema) });

/** A stream record of an inserted outbox event, merchant or platform (the event source's filter lets only those through). */
export const outboxStreamRecordSchema = DynamoDBStreamRecord.extend({
  eventName: z.literal('INSERT'),
  dynamodb: DynamoDBStreamChangeRecordBase.extend({ NewImage: DynamoDBMarshalled(outboxItemSchema) }),
});

export type OutboxStreamRecord = z.infer<typeof outboxStreamRecordSchema>;
