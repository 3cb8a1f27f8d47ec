// Notify: the events merchants receive and how they reach them: the outbox relay, webhooks and
// realtime (WebSocket) receipts.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#notify).
export { getEvent, listEvents } from './events/query.js';
export { eventListQuerySchema, listObjectEvents, objectIdSchema, timelineScanBudget } from './events/timeline.js';
export { eventAttemptListSchema, eventAttemptSchema, listEventAttempts, perEndpointBudget } from './webhooks/event-attempts.js';
export { allEventTypes, eventSchema } from './events/schemas.js';
export type { AnyEventType, LanepayEvent } from './events/schemas.js';
export { outboxItemSchema } from './outbox/items.js';
export { relayEvent, relayOutboxItems } from './outbox/relay.js';
export type { RelayDeps, RelayResult } from './outbox/relay.js';
export { replayFailures } from './outbox/replay.js';
export type { ReplayDeps, ReplayedMessage } from './outbox/replay.js';
export { payoutsRequestedSchema } from './outbox/submit-message.js';
export { forgetConnection, openConnection, subscribe } from './realtime/connections.js';
export type { RealtimeDeps, RealtimeStoreDeps } from './realtime/deps.js';
export { RealtimeTokenError, SubscriptionRefusedError } from './realtime/errors.js';
export { errorFrame, parseSubscribeMessage, realtimeTokenBodySchema, subscribedFrame, subscriptionTarget } from './realtime/messages.js';
export type { Frame } from './realtime/messages.js';
export { pushEvent } from './realtime/push.js';
export { consumeRealtimeToken, issueRealtimeToken } from './realtime/tokens.js';
export { deliverWebhook, type DeliveryOutcome } from './webhooks/deliver.js';
export type { WebhookDeps, WebhookSignal } from './webhooks/deps.js';
export { webhookEndpointSchema } from './webhooks/endpoint-object.js';
export { createEndpoint, deleteEndpoint, getEndpoint, listAttempts, listEndpoints, rotateSecret } from './webhooks/endpoints.js';
export { fanOutEvent, redeliverEvent } from './webhooks/fan-out.js';
export { redriveEventDeliveries, unfinishedDeliveries } from './webhooks/recovery.js';
export { approvedEndpointOutcome } from './webhooks/held-endpoint.js';
export {
  attemptListQuerySchema, attemptSchema, createEndpointBodySchema, deletedEndpointSchema, deliveryMessageSchema,
  endpointIdPathSchema, endpointListQuerySchema, endpointWithSecretSchema, redeliverySchema,
} from './webhooks/schemas.js';
export { pinnedTransport } from './webhooks/transport.js';
export * as outboxErrors from './outbox/errors.js';
export * as realtimeErrors from './realtime/errors.js';
export * as webhooksErrors from './webhooks/errors.js';
