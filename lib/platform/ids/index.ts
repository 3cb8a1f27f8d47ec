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

/**
 * The ULID of an id of newId, as a pattern: lower-case Crockford base32 (no i, l, o or u), its first
 * character at most 7 (a time within 2^48 ms). An id that only looks like one ([0-9a-z]{26}) has no
 * time to read: idTimeMs throws on it.
 */
export const ulidPattern = '[0-7][0-9a-hjkmnp-tv-z]{25}';

/** When an id of newId was made (its ULID's time), in ms since the epoch: an event's creation, a payment's. */
export function idTimeMs(id: string): number {
  return decodeTime(id.slice(id.indexOf('_') + 1).toUpperCase());
}
