import { decodeTime, monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/**
 * Prefixed, time-ordered ids (`pay_01J...`): sortable, so listings and cursors need no extra field.
 * One monotonic factory for every kind, webhook objects (`we_` endpoints, `wa_` attempts, `rd_`
 * redeliveries) included.
 */
export function newId(prefix: 'pay' | 'evt' | 'mer' | 'key' | 'trf' | 'cus' | 'kyv' | 'ch' | 'mem' | 'apr' | 'dep' | 'we' | 'wa' | 'rd' | 're' | 'rpt'): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}

/** When an id of newId was made (its ULID's time), in ms since the epoch: an event's creation, a payment's. */
export function idTimeMs(id: string): number {
  return decodeTime(id.slice(id.indexOf('_') + 1).toUpperCase());
}
