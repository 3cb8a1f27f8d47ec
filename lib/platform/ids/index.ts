import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/**
 * Prefixed, time-ordered ids (`pay_01J...`): sortable, so listings and cursors need no extra field.
 * One monotonic factory for every kind, webhook objects (`we_` endpoints, `wa_` attempts, `rd_`
 * redeliveries) included.
 */
export function newId(prefix: 'pay' | 'evt' | 'mer' | 'key' | 'trf' | 'cus' | 'kyv' | 'ch' | 'mem' | 'apr' | 'dep' | 'we' | 'wa' | 'rd' | 're' | 'rpt'): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}
