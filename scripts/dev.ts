// `npm run dev`: the whole local stage on this machine until Ctrl-C.
// LANEPAY_PORT_BASE moves every port (default 4500: the API on 4510).
import fs from 'node:fs';
import path from 'node:path';
import { consoleUrl } from './stack/console-url.js';
import { StackError } from './stack/errors.js';
import { stackInfoFile as stackFile, startStack, type RunningStack } from './stack/stack.js';

const localDir = path.dirname(stackFile);

function portBase(): number {
  const raw = process.env.LANEPAY_PORT_BASE ?? '4500';
  const base = Number(raw);
  // The stack uses base … base+12.
  if (!Number.isInteger(base) || base < 1024 || base > 65_535 - 12) {
    throw new StackError(`LANEPAY_PORT_BASE must be a port number between 1024 and 65523, not "${raw}".`);
  }
  return base;
}

const log = (line: string) => console.log(`  ${line}`);

// engines pins node 20; the SDK's "node 22 from 2027" notice belongs in upgrade planning, not
// between the start-up lines of every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let running: RunningStack | undefined;
let stopping = false;

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Before the stack is up there is nothing to await: exiting runs process.ts's exit hook, which
  // kills the services started so far, and hardhat nodes exit when their parent does.
  if (running === undefined) process.exit(130);
  console.log('\nStopping the local stack…');
  fs.rmSync(stackFile, { force: true });
  await running.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

try {
  const startedAt = Date.now();
  console.log('Starting the Lanepay local stack…');
  running = await startStack({ portBase: portBase(), runDir: path.join(localDir, 'run'), watch: true, log });
  fs.mkdirSync(localDir, { recursive: true });
  fs.writeFileSync(stackFile, `${JSON.stringify(running.info, null, 2)}\n`);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(
    `Lanepay local stack ready in ${seconds} s: API ${running.info.apiUrl}/v1  ` +
      `(details in ${path.relative(process.cwd(), stackFile) || stackFile}; Ctrl-C stops it)`,
  );
  // On localhost, not the API's 127.0.0.1: browsers refuse WebAuthn (passkeys) on an IP address.
  console.log(`Console: ${consoleUrl(running.info.apiUrl)}  (members sign in there; \`npm run lanepay -- demo seed\` makes two)`);
  const death = await running.died;
  if (!stopping) {
    stopping = true;
    console.error(`\n${death}\nStopping the rest of the local stack.`);
    fs.rmSync(stackFile, { force: true });
    await running.stop();
    process.exit(1);
  }
} catch (error) {
  if (error instanceof StackError) {
    console.error(`\n${error.message}`);
    process.exit(1);
  }
  throw error;
}
