import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/**
 * Time-ordered ids for webhook objects (`we_` endpoints, `wa_` attempts, `rd_` redeliveries), the
 * same shape as lib/ids so that listings sort by id.
 */
export function newWebhookId(prefix: 'we' | 'wa' | 'rd'): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}
