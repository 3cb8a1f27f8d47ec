import { inject } from 'vitest';
import type { StackInfo } from '../../scripts/stack/types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
    /** Where the stack's processes log (serverless offline's functions in offline.log). */
    stackLogDir: string;
  }
}

/** The local stack the global setup started for this test run. */
export function stack(): StackInfo {
  return inject('stack');
}

/** The folder of the test stack's logs. */
export function stackLogDir(): string {
  return inject('stackLogDir');
}

/** Credentials the emulators accept; they check the format, not the secret. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
