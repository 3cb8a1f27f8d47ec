import type { AppliedOutcome, HeldWebhookEndpoint } from '#merchants';
import type { WebhookEndpoint } from './endpoint-object.js';
import { createEndpointItems } from './endpoints.js';
import type { StoredSecret } from './items.js';

/**
 * An endpoint held for approval and approved (lib/merchants/approvals): created as createEndpoint stored it in
 * the request. Its types are this module's own: the request's hash was checked before it applies.
 * Given to approvals as their webhook endpoint applier.
 */
export function approvedEndpointOutcome(tableName: string, merchantId: string, held: HeldWebhookEndpoint): AppliedOutcome {
  const endpoint = held.endpoint as WebhookEndpoint;
  return {
    items: createEndpointItems(tableName, { endpoint, merchantId, secrets: held.secrets as StoredSecret[], version: 1 }),
    action: 'webhook_endpoint.created',
    object: { type: 'webhook_endpoint', id: endpoint.id },
  };
}
