import { inject } from 'vitest';
import type { StackInfo } from '../../scripts/stack/types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** The local stack the global setup started for this test run. */
export function stack(): StackInfo {
  return inject('stack');
}

/** Credentials the emulators accept; they check the format, not the secret. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
