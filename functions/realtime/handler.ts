import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { loadConfig, realtimeConfigSchema } from '../../lib/aws/config.js';
import { logger } from '../../lib/observability/powertools.js';
import { forgetConnection, openConnection, subscribe } from '../../lib/realtime/connections.js';
import { RealtimeTokenError, SubscriptionRefusedError } from '../../lib/realtime/errors.js';
import { errorFrame, parseSubscribeMessage, subscribedFrame, subscriptionTarget, type Frame } from '../../lib/realtime/messages.js';
import { consumeRealtimeToken } from '../../lib/realtime/tokens.js';

const config = loadConfig(realtimeConfigSchema);
const deps = { dynamodb: dynamodbClient(), tableName: config.TABLE_NAME, now: () => new Date(), connectionTtlMs: config.REALTIME_CONNECTION_TTL_SECONDS * 1000 };

const websocketEventSchema = z.object({
  requestContext: z.object({ routeKey: z.string(), connectionId: z.string().min(1).max(128) }),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullish(),
  body: z.string().nullish(),
});
type WebsocketEvent = z.infer<typeof websocketEventSchema>;
type Result = { statusCode: number; body?: string };

const frame = (body: Frame): Result => ({ statusCode: 200, body: JSON.stringify(body) });

const routes: Record<string, (event: WebsocketEvent) => Promise<Result>> = {
  // A refused $connect is a 401 before the upgrade; the reason is logged, never the token.
  $connect: async (event) => {
    try {
      const scope = await consumeRealtimeToken(deps, event.queryStringParameters?.token);
      logger.appendKeys({ merchantId: scope.merchantId });
      await openConnection(deps, { connectionId: event.requestContext.connectionId, scope });
      return { statusCode: 200 };
    } catch (error) {
      if (!(error instanceof RealtimeTokenError)) throw error;
      logger.info('realtime connection refused', { reason: error.reason });
      return { statusCode: 401 };
    }
  },
  $disconnect: async (event) => {
    await forgetConnection(deps, event.requestContext.connectionId);
    return { statusCode: 200 };
  },
  // Refusals answer with an error frame on the same connection, which stays open.
  subscribe: async (event) => {
    try {
      const target = subscriptionTarget(parseSubscribeMessage(event.body));
      await subscribe(deps, event.requestContext.connectionId, target);
      return frame(subscribedFrame(target));
    } catch (error) {
      if (!(error instanceof SubscriptionRefusedError)) throw error;
      logger.info('realtime subscription refused', { code: error.code });
      return frame(errorFrame(error.code, error.detail));
    }
  },
  $default: async () => frame(errorFrame('unknown_action', 'Send JSON with "action": "subscribe", e.g. {"action":"subscribe","payment_id":"pay_..."}.')),
};

/** The WebSocket API's routes: token check at $connect, cleanup at $disconnect, subscribe messages. */
export const handler = middy(async (raw: unknown) => {
  const event = websocketEventSchema.parse(raw);
  logger.appendKeys({ connectionId: event.requestContext.connectionId, routeKey: event.requestContext.routeKey });
  const route = routes[event.requestContext.routeKey] ?? routes.$default!;
  return route(event);
}).use(injectLambdaContext(logger, { resetKeys: true }));
