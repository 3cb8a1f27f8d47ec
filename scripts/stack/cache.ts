import os from 'node:os';
import path from 'node:path';

/**
 * Emulators and tools live outside the clone so every fresh clone, and CI, reuses one install.
 * LANEPAY_CACHE moves it.
 */
export function cacheDir(...parts: string[]): string {
  const root = process.env.LANEPAY_CACHE ?? path.join(os.homedir(), '.cache', 'lanepay');
  return path.join(root, ...parts);
}

/** Pinned versions: bump here, and the next start installs the new one beside the old. */
export const versions = {
  moto: '5.2.5',
  cfnLint: '1.58.0',
  schemathesis: '4.32.5',
  checkov: '3.3.30',
  elasticmq: '1.6.14',
  localKms: 'v0.0.0-20260228092603-2a5e92d09ab6',
} as const;
