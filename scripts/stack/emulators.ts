import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.js';
import type { InstalledTools } from './install.js';
import { answersHttp, assertPortFree, requireCommand, startService, waitUntilReady, type Service } from './process.js';

export interface EmulatorPorts {
  dynamodb: number;
  sqs: number;
  kms: number;
}

export interface RunningEmulators {
  endpoints: { dynamodb: string; sqs: string; kms: string; sns: string };
  services: Service[];
  dynamodb: Service;
  sqs: Service;
  kms: Service;
}

export interface EmulatorOptions {
  /**
   * ElasticMQ keeps its queues and messages in an H2 database under `runDir` (its `queues-storage`
   * and `messages-storage`), so it can be killed and started again without losing a message
   * (scripts/chaos). Off by default: the in-memory queues are what every other run uses.
   */
  durableQueues?: boolean;
}

/**
 * Starts moto (DynamoDB, SNS), ElasticMQ (SQS) and local-kms (KMS) on loopback, each with its log in
 * `runDir`, and waits until each answers. State lives in `runDir` and dies with it.
 */
export async function startEmulators(tools: InstalledTools, ports: EmulatorPorts, runDir: string, options: EmulatorOptions = {}): Promise<RunningEmulators> {
  await assertPortFree(ports.dynamodb, 'DynamoDB emulator');
  await assertPortFree(ports.sqs, 'SQS emulator');
  await assertPortFree(ports.kms, 'KMS emulator');
  requireCommand('java', ['-version'], 'Install a Java 17+ runtime (Debian: `apt-get install openjdk-17-jre-headless`).');

  const logs = path.join(runDir, 'logs');
  const endpoints = {
    dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
    sqs: `http://127.0.0.1:${ports.sqs}`,
    kms: `http://127.0.0.1:${ports.kms}`,
    // moto serves every service it emulates on one port; SNS is the one Lanepay uses besides DynamoDB.
    sns: `http://127.0.0.1:${ports.dynamodb}`,
  };

  const dynamodb = startService('DynamoDB emulator (moto)', tools.python, [tools.motoServer, '127.0.0.1', String(ports.dynamodb)], {
    logFile: path.join(logs, 'dynamodb.log'),
  });

  fs.writeFileSync(elasticmqConfFile(runDir), elasticmqConfig(ports.sqs, options.durableQueues ? path.join(runDir, 'sqs-data') : undefined));
  const sqs = spawnElasticMq(tools, runDir);

  const kmsData = path.join(runDir, 'kms-data');
  fs.mkdirSync(kmsData, { recursive: true });
  const kms = startService('KMS emulator (local-kms)', tools.localKms, [], {
    env: { ...process.env, PORT: String(ports.kms), KMS_DATA_PATH: kmsData, KMS_SEED_PATH: path.join(runDir, 'no-seed.yaml') },
    logFile: path.join(logs, 'kms.log'),
  });

  const services = [dynamodb, sqs, kms];
  try {
    await Promise.all([
      waitUntilReady(dynamodb, () => answersHttp(endpoints.dynamodb)),
      waitUntilReady(sqs, () => answersHttp(`${endpoints.sqs}/?Action=ListQueues`)),
      waitUntilReady(kms, () => answersHttp(endpoints.kms)),
    ]);
  } catch (error) {
    await Promise.all(services.map((service) => service.stop()));
    throw error instanceof StackError ? error : new StackError(String(error));
  }
  return { endpoints, services, dynamodb, sqs, kms };
}

/**
 * Starts ElasticMQ again with the configuration `startEmulators` wrote (same port, same storage)
 * and waits until it answers: after a crash, or a kill by scripts/chaos.
 */
export async function restartElasticMq(tools: InstalledTools, port: number, runDir: string): Promise<Service> {
  const sqs = spawnElasticMq(tools, runDir);
  try {
    await waitUntilReady(sqs, () => answersHttp(`http://127.0.0.1:${port}/?Action=ListQueues`));
  } catch (error) {
    await sqs.stop();
    throw error;
  }
  return sqs;
}

const elasticmqConfFile = (runDir: string) => path.join(runDir, 'elasticmq.conf');

function spawnElasticMq(tools: InstalledTools, runDir: string): Service {
  return startService(
    'SQS emulator (ElasticMQ)',
    'java',
    ['-Xmx512m', `-Dconfig.file=${elasticmqConfFile(runDir)}`, '-cp', tools.elasticmqClasspath, 'org.elasticmq.server.Main'],
    // Appended: a restarted ElasticMQ keeps the log of the one before it.
    { logFile: path.join(runDir, 'logs', 'sqs.log'), append: true },
  );
}

/**
 * ElasticMQ's configuration. With `dataDir`, queues (queues-storage) and messages (messages-storage,
 * H2) survive a restart; both are needed: the message store alone brings back no queue. H2 commits
 * to disk up to 500 ms late by default, so a SIGKILL lost messages ElasticMQ had already accepted
 * (events that never reached a webhook in the chaos run); WRITE_DELAY=0 writes each commit at once.
 */
function elasticmqConfig(port: number, dataDir?: string): string {
  const storage = dataDir === undefined ? '' : `queues-storage { enabled = true, path = "${path.join(dataDir, 'queues.conf')}" }
messages-storage { enabled = true, uri = "jdbc:h2:${path.join(dataDir, 'messages')};WRITE_DELAY=0" }
`;
  return `include classpath("application.conf")
node-address { protocol = http, host = 127.0.0.1, port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
aws { region = us-east-1, accountId = 000000000000 }
${storage}`;
}
