import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import * as z from 'zod';
import { platformEventSchema } from '#money';
import { eventSchema } from '../events/schemas.js';

/**
 * What the outbox relay takes from the table stream: an inserted merchant event (relayed to the
 * queues) or platform event (published to the alerts topic), unmarshalled. The event source's
 * filter (functions/payments.yml) lets only these two entities through.
 */
export const outboxItemSchema = z.discriminatedUnion('entity', [
  z.looseObject({
    entity: z.literal('event'),
    merchantId: z.string().regex(/^mer_[0-9a-z]{26}$/),
    body: JSONStringified(eventSchema),
    /** The X-Ray trace header of the work that wrote the event (lib/merchants/events.ts), if any. */
    traceHeader: z.string().optional(),
  }),
  z.looseObject({
    entity: z.literal('platform-event'),
    body: JSONStringified(platformEventSchema),
  }),
]);

export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** The entities the relay handles, as the stream filter and the replay name them. */
export const outboxEntities = ['event', 'platform-event'] as const;
