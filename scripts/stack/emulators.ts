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
}

/**
 * Starts moto (DynamoDB, SNS), ElasticMQ (SQS) and local-kms (KMS) on loopback, each with its log in
 * `runDir`, and waits until each answers. State lives in `runDir` and dies with it.
 */
export async function startEmulators(tools: InstalledTools, ports: EmulatorPorts, runDir: string): Promise<RunningEmulators> {
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

  const elasticmqConf = path.join(runDir, 'elasticmq.conf');
  fs.writeFileSync(elasticmqConf, elasticmqConfig(ports.sqs));
  const sqs = startService(
    'SQS emulator (ElasticMQ)',
    'java',
    ['-Xmx512m', `-Dconfig.file=${elasticmqConf}`, '-cp', tools.elasticmqClasspath, 'org.elasticmq.server.Main'],
    { logFile: path.join(logs, 'sqs.log') },
  );

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
  return { endpoints, services };
}

function elasticmqConfig(port: number): string {
  return `include classpath("application.conf")
node-address { protocol = http, host = 127.0.0.1, port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
aws { region = us-east-1, accountId = 000000000000 }
`;
}
