import * as z from 'zod';
import { bodyProblems, jsonSchema, problems } from '../http/openapi-parts.js';
import { realtimeTokenBodySchema } from './messages.js';

/**
 * POST /v1/realtime/tokens for the merchant API's OpenAPI document (lib/http/openapi.ts merges it
 * into `paths`). It references that document's `Problem` schema.
 */
export const realtimeTokenResponseSchema = z.object({
  token: z.string().describe('Single-use token; connect to `url` with `?token=<token>` before `expires_at`.'),
  expires_at: z.string().describe('When the token stops opening connections (ISO 8601).'),
  url: z.string().describe('The WebSocket URL to connect to.'),
});

export const realtimeOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/v1/realtime/tokens': {
    post: {
      operationId: 'createRealtimeToken',
      tags: ['Realtime'],
      summary: 'Create a short-lived token for a browser to receive events over WebSocket',
      description:
        'Returns a single-use token valid for 5 minutes. The browser connects to `url?token=<token>`, then sends ' +
        '`{"action":"subscribe","payment_id":"pay_..."}` (or without `payment_id` for all events) and receives each event ' +
        'as the same JSON a webhook carries. Call this from your server. Without `payment_id` the token reads every ' +
        'event of your account (for your own dashboards); give `payment_id` for a token a customer\'s browser may hold.',
      requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(realtimeTokenBodySchema, 'input') } } },
      responses: {
        '201': { description: 'Token created', content: { 'application/json': { schema: jsonSchema(realtimeTokenResponseSchema, 'output') } } },
        ...problems(...bodyProblems, 404),
      },
    },
  },
};
