import * as z from 'zod';
import { idParam, jsonSchema, problems } from '../http/openapi-parts.js';
import { checkoutViewSchema } from './public-view.js';

/**
 * The hosted checkout page's token route, public (no API key): lib/http/openapi.ts merges it into
 * the document. The page itself (GET /checkout/{id}, HTML) is for browsers and is not described.
 */
export const checkoutSessionSchema = z.object({
  token: z.string().describe('Single-use token for one charge; connect to `url` with `?token=<token>` before `expires_at`.'),
  expires_at: z.string().describe('When the token stops opening connections (ISO 8601).'),
  url: z.string().describe('The WebSocket URL to connect to.'),
  charge: checkoutViewSchema.describe("The charge's public view as it is now."),
});

/** A public operation cannot answer 401: no key is asked for. */
function publicProblems(...statuses: Parameters<typeof problems>): Record<string, unknown> {
  const { '401': _noKeyAsked, ...rest } = problems(...statuses);
  return rest;
}

export const checkoutOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/checkout/{id}/realtime-token': {
    post: {
      operationId: 'createCheckoutRealtimeToken',
      tags: ['Checkout'],
      summary: "Create a realtime token for a charge's hosted checkout page (public)",
      description:
        'Called by the hosted checkout page (a charge\'s `hosted_url`) to follow its charge live, without a merchant key. ' +
        'Returns a single-use token scoped to this charge and the charge\'s public view. Connect to `url?token=<token>` and send ' +
        '`{"action":"subscribe","charge_id":"ch_..."}`: the connection receives the charge\'s events, each carrying its public ' +
        'view, and nothing else.',
      security: [],
      parameters: [idParam('ch', 'charge')],
      responses: {
        '201': { description: 'Token created', content: { 'application/json': { schema: jsonSchema(checkoutSessionSchema, 'output') } } },
        ...publicProblems(400, 404),
      },
    },
  },
};
