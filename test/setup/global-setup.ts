// Starts one local stack for the integration and e2e projects and hands its StackInfo to tests
// (`stack()` in test/support/stack.ts). LANEPAY_TEST_PORT_BASE moves its ports (default 5500),
// so a test run does not collide with `npm run dev` on 4500. LANEPAY_KEEP_STACK_LOGS=1 keeps the
// emulator and offline logs after the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { StackError } from '../../scripts/stack/errors.js';
import { startStack } from '../../scripts/stack/stack.js';
import '../support/stack.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // engines pins node 20; the SDK's "node 22 from 2027" notice would repeat in every worker's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Short enough for the expiry schedule's test to see a hold expire, long enough that a manual
  // payment created on a loaded machine is still authorized when its test captures it (at 20 s,
  // runs at load 10-30 saw authorization_expired on captures sent right after the create).
  process.env.LANEPAY_HOLD_EXPIRY_SECONDS ??= '90';
  const portBase = Number(process.env.LANEPAY_TEST_PORT_BASE ?? '5500');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-test-stack-'));
  const startedAt = Date.now();
  let running;
  try {
    running = await startStack({ portBase, runDir, watch: false, log: (line) => console.log(`[stack] ${line}`) });
  } catch (error) {
    // Vitest prints a thrown error with its stack; for an expected failure the message is the news.
    if (error instanceof StackError) {
      const failure = new Error(`The local stack for tests did not start (logs in ${runDir}):\n${error.message}`);
      failure.stack = failure.message;
      throw failure;
    }
    throw error;
  }
  console.log(`[stack] ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (logs in ${runDir})`);
  project.provide('stack', running.info);
  project.provide('stackLogDir', path.join(runDir, 'logs'));
  return async () => {
    await running.stop();
    if (process.env.LANEPAY_KEEP_STACK_LOGS === '1') console.log(`[stack] logs kept in ${runDir}`);
    else fs.rmSync(runDir, { recursive: true, force: true });
  };
}
