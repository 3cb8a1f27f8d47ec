export { Lanepay, type LanepayOptions } from './client.js';
export * from './errors.js';
export type { ListParams, Page, PageRequest } from './pagination.js';
export type { RealtimeSubscription, SubscribeOptions } from './realtime.js';
export type { RequestOptions } from './request.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export type * from './types.js';
export type { components, paths } from './openapi.js';
export { verifyWebhook, webhooks, type WebhookHeaders } from './webhooks.js';
