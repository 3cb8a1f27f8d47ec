import * as z from 'zod';

/**
 * A webhook endpoint as merchants see it (never with its secret, which is shown once on creation).
 * Apart from schemas.ts because the event schemas embed it while schemas.ts reads the event types.
 */
export const webhookEndpointSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(['enabled', 'disabled']),
  created_at: z.string(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;
