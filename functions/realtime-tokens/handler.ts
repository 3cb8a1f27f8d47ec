import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { loadConfig, realtimeTokensConfigSchema } from '../../lib/aws/config.js';
import { httpHandler } from '../../lib/http/handler.js';
import { realtimeTokenBodySchema } from '../../lib/realtime/messages.js';
import { issueRealtimeToken } from '../../lib/realtime/tokens.js';

const config = loadConfig(realtimeTokensConfigSchema);
const deps = { dynamodb: dynamodbClient(), tableName: config.TABLE_NAME, now: () => new Date(), tokenTtlMs: config.REALTIME_TOKEN_TTL_SECONDS * 1000 };

/** POST /v1/realtime/tokens: a single-use token a browser opens the WebSocket API with. */
export const handler = httpHandler({ body: realtimeTokenBodySchema }, async (request) => {
  const paymentId = request.body.payment_id;
  const issued = await issueRealtimeToken(deps, { merchantId: request.merchantId, ...(paymentId !== undefined ? { paymentId } : {}) });
  return {
    status: 201,
    body: { token: issued.token, expires_at: issued.expiresAt, url: config.REALTIME_WEBSOCKET_URL },
    // The token is a credential: no cache may keep it.
    headers: { 'Cache-Control': 'no-store' },
  };
});
