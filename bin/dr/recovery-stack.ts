import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DeleteAliasCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StackError } from '../../scripts/stack/errors.js';
import { offlineLogFile, startOffline } from '../../scripts/stack/offline.js';
import { loadResources, localCredentials, provision, region, type CfnResources, type ProvisionedResources } from '../../scripts/stack/provision.js';
import { localChainEntries } from '../../scripts/stack/registry.js';
import type { StackInfo } from '../../scripts/stack/types.js';

/** The stage of the local target that a drill's recovery stack runs as (infra/settings.yml `drill`). */
export const recoveryStage = 'drill';

export interface RecoveryStack {
  /** The restored copy the stack runs on. */
  tableName: string;
  apiUrl: string;
  queues: ProvisionedResources['queues'];
  /** The stack's function log (serverless-offline's output). */
  logFile: string;
  /** Runs one of the stack's functions now, as its schedule would, and returns what it returned. */
  invoke(functionKey: string): Promise<unknown>;
  /** Stops the stack and deletes its queues, topics, buckets and key aliases; the copy only when `dropTable`. */
  stop(options: { dropTable: boolean }): Promise<void>;
}

const clientConfig = { region, credentials: localCredentials, maxAttempts: 3 };

/**
 * The table name the recovery stage's template gives its table: the drill restores into it, so
 * the second stack finds its data where its configuration says, as a stack pointed at a restored
 * table on AWS would.
 */
export async function recoveryTableName(source: StackInfo): Promise<{ tableName: string; resources: CfnResources }> {
  const resources = await loadResources(source.endpoints, recoveryStage);
  const table = Object.values(resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table');
  const tableName = table?.Properties?.TableName;
  if (typeof tableName !== 'string') throw new StackError('The recovery stage renders no table name (infra/table.yml).');
  return { tableName, resources };
}

/**
 * A second stack on the source's emulators and chains (serverless offline, stage `drill`), whose
 * functions run on the restored copy with queues, topics and buckets of their own and the source's
 * KMS keys, as a recovery stack in the same account would use the keys that outlived the table.
 * It never signs on chain (infra/settings.yml `drill`): the source stack still runs.
 */
export async function startRecoveryStack(source: StackInfo, resources: CfnResources, tableName: string): Promise<RecoveryStack> {
  const kms = new KMSClient({ ...clientConfig, endpoint: source.endpoints.kms });
  const keyIds: Record<string, string> = {};
  try {
    for (const [logicalId, alias] of Object.entries(source.keys)) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
      keyIds[logicalId] = KeyMetadata!.KeyId!;
    }
  } finally {
    kms.destroy();
  }
  // A drill that died leaves its queues behind (with their messages) and its aliases: start clean.
  await removeRecoveryResources(source, resources, { dropTable: false });
  const provisioned = await provision(source.endpoints, resources, { stage: recoveryStage, recovery: { keyIds } });
  if (provisioned.tableName !== tableName) throw new StackError(`The recovery stack adopted ${provisioned.tableName}, not the restored ${tableName}.`);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-drill-'));
  const ports = { http: await freePort(), websocket: await freePort(), lambda: await freePort() };
  let offline;
  try {
    offline = await startOffline({
      endpoints: source.endpoints, ports, runDir, stage: recoveryStage,
      chainRegistry: JSON.stringify(localChainEntries(source.chains)),
    });
  } catch (error) {
    await removeRecoveryResources(source, resources, { dropTable: false });
    throw error;
  }
  const running = offline;
  return {
    tableName,
    apiUrl: `http://127.0.0.1:${ports.http}`,
    queues: provisioned.queues,
    logFile: offlineLogFile(runDir),
    async invoke(functionKey) {
      // serverless-offline's Lambda Invoke API (the SDK's path), with the function's deployed name.
      const response = await fetch(`http://127.0.0.1:${ports.lambda}/2015-03-31/functions/lanepay-${recoveryStage}-${functionKey}/invocations`, {
        method: 'POST', body: JSON.stringify({ source: 'lanepay.dr-drill' }),
      });
      const text = await response.text();
      if (!response.ok || response.headers.get('x-amz-function-error')) throw new StackError(`The recovery stack's ${functionKey} failed (${response.status}): ${text.slice(0, 500)}`);
      return JSON.parse(text) as unknown;
    },
    async stop({ dropTable }) {
      await running.stop();
      await removeRecoveryResources(source, resources, { dropTable });
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/** Deletes what the recovery stage's template names, where it exists (never a key: those are the source's). */
async function removeRecoveryResources(source: StackInfo, resources: CfnResources, { dropTable }: { dropTable: boolean }): Promise<void> {
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: source.endpoints.dynamodb });
  const sqs = new SQSClient({ ...clientConfig, endpoint: source.endpoints.sqs });
  const sns = new SNSClient({ ...clientConfig, endpoint: source.endpoints.sns });
  const s3 = new S3Client({ ...clientConfig, endpoint: source.endpoints.s3, forcePathStyle: true });
  const kms = new KMSClient({ ...clientConfig, endpoint: source.endpoints.kms });
  try {
    await Promise.all(Object.entries(resources).map(async ([logicalId, { Type: type, Properties: p = {} }]) => {
      if (type === 'AWS::SQS::Queue') {
        try {
          const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: String(p.QueueName) }));
          await sqs.send(new DeleteQueueCommand({ QueueUrl }));
        } catch (error) {
          if (!(error instanceof QueueDoesNotExist) && (error as Error).name !== 'AWS.SimpleQueueService.NonExistentQueue') throw error;
        }
      } else if (type === 'AWS::SNS::Topic') {
        await sns.send(new DeleteTopicCommand({ TopicArn: `arn:aws:sns:${region}:123456789012:${String(p.TopicName)}` }));
      } else if (type === 'AWS::S3::Bucket') {
        await s3.send(new DeleteBucketCommand({ Bucket: typeof p.BucketName === 'string' ? p.BucketName : `lanepay-${recoveryStage}-${logicalId.toLowerCase()}` })).catch(ignoreMissing);
      } else if (type === 'AWS::KMS::Alias') {
        await kms.send(new DeleteAliasCommand({ AliasName: String(p.AliasName) })).catch(ignoreMissing);
      } else if (type === 'AWS::DynamoDB::Table' && dropTable) {
        await dynamodb.send(new DeleteTableCommand({ TableName: String(p.TableName) })).catch(ignoreMissing);
      }
    }));
  } finally {
    for (const client of [dynamodb, sqs, sns, s3, kms]) client.destroy();
  }
}

/** Whether a table of that name exists (a drill's restore target must not). */
export async function tableExists(source: StackInfo, tableName: string): Promise<boolean> {
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: source.endpoints.dynamodb });
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
  finally {
    dynamodb.destroy();
  }
}

function ignoreMissing(error: Error): void {
  if (!/NotFound|NoSuch|does not exist/i.test(`${error.name} ${error.message}`)) throw error;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
