import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../../scripts/stack/stack.js';
import type { StackInfo } from '../../scripts/stack/types.js';

export interface BenchStack {
  info: StackInfo;
  /** Whether this run started the stack (and so must stop it). */
  owned: boolean;
  /** serverless offline's log, when this run started the stack (gone once it is stopped). */
  logFile?: string;
  stop(): Promise<void>;
}

/**
 * Reuses the stack described by `stackFile` (e.g. `.local/stack.json` from `npm run dev`), or
 * starts a private one on LANEPAY_BENCH_PORT_BASE (default 7500) so the bench never shares
 * ports with `npm run dev` (4500) or `npm test` (5500).
 */
export async function openStack(stackFile: string | undefined, log: (line: string) => void): Promise<BenchStack> {
  if (stackFile !== undefined) {
    const info = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as StackInfo;
    return { info, owned: false, stop: async () => {} };
  }
  const raw = process.env.LANEPAY_BENCH_PORT_BASE ?? '7500';
  const portBase = Number(raw);
  // The stack uses base … base+12.
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_535 - 12) {
    throw new Error(`LANEPAY_BENCH_PORT_BASE must be a port number between 1024 and 65523, not "${raw}".`);
  }
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-bench-stack-'));
  const running = await startStack({ portBase, runDir, watch: false, log });
  return {
    info: running.info,
    owned: true,
    logFile: path.join(runDir, 'logs', 'offline.log'),
    stop: async () => {
      await running.stop();
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
