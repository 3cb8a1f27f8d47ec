import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Prefixed, time-ordered ids (`pay_01J...`): sortable, so listings and cursors need no extra field. */
export function newId(prefix: 'pay' | 'evt' | 'mer' | 'key' | 'trf' | 'cus' | 'kyv' | 'ch' | 'mem' | 'apr' | 'dep'): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}
