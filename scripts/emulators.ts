// `npm run emulators`: DynamoDB and SNS (moto), SQS (ElasticMQ) and KMS (local-kms) alone, with the table,
// queues and keys serverless.yml declares, until Ctrl-C. For running lib/ code or a debugger
// against AWS's APIs without the chains and serverless-offline that `npm run dev` adds.
// LANEPAY_PORT_BASE moves the ports as for `npm run dev` (default 4500: DynamoDB 4500, SQS 4501, KMS 4502).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulators, type RunningEmulators } from './stack/emulators.js';
import { StackError } from './stack/errors.js';
import { installTools } from './stack/install.js';
import { emulatorEnv, loadResources, provision } from './stack/provision.js';
import { stackPorts } from './stack/stack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const base = Number(process.env.LANEPAY_PORT_BASE ?? '4500');
if (!Number.isInteger(base) || base < 1024 || base > 65_523) {
  console.error(`LANEPAY_PORT_BASE must be a port number between 1024 and 65523, not "${process.env.LANEPAY_PORT_BASE}".`);
  process.exit(1);
}
const ports = stackPorts(base);
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-emulators-'));
let running: RunningEmulators | undefined;

async function stop(): Promise<never> {
  await Promise.all(running?.services.map((service) => service.stop()) ?? []);
  fs.rmSync(runDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

try {
  fs.mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  const tools = await installTools((line) => console.log(`  ${line}`));
  const endpoints = {
    dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
    sqs: `http://127.0.0.1:${ports.sqs}`,
    kms: `http://127.0.0.1:${ports.kms}`,
    sns: `http://127.0.0.1:${ports.dynamodb}`,
    s3: `http://127.0.0.1:${ports.dynamodb}`,
  };
  const [emulators, resources] = await Promise.all([
    startEmulators(tools, { dynamodb: ports.dynamodb, sqs: ports.sqs, kms: ports.kms }, runDir),
    loadResources(endpoints),
  ]);
  running = emulators;
  const provisioned = await provision(endpoints, resources);
  console.log(`Emulators ready: table ${provisioned.tableName}, ${Object.keys(provisioned.queues).length} queues, ${Object.keys(provisioned.topics).length} topic(s), ${Object.keys(provisioned.keys).length} KMS keys. Point the SDK at them with:`);
  for (const [name, value] of Object.entries(emulatorEnv(endpoints))) console.log(`  export ${name}=${value}`);
  console.log('Ctrl-C stops them (logs in ' + runDir + ').');
} catch (error) {
  if (!(error instanceof StackError)) throw error;
  console.error(error.message);
  await Promise.all(running?.services.map((service) => service.stop()) ?? []);
  process.exit(1);
}
