import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, KMSClient, type KeySpec, type KeyUsageType } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { StackError } from './errors.js';

/**
 * Creates the local stage's table, queues and KMS keys from the CloudFormation resources that
 * `serverless print` renders from serverless.yml: the AWS deploy and the local stack read the
 * same infra/*.yml, so they cannot drift apart.
 */

export interface Endpoints {
  dynamodb: string;
  sqs: string;
  kms: string;
  /** moto, which runs as the DynamoDB emulator, serves SNS on the same port. */
  sns: string;
  /** And S3 (the reports bucket). */
  s3: string;
}

export interface ProvisionedResources {
  tableName: string;
  queues: Record<string, { url: string; arn: string; name: string }>;
  /** Logical id of each SNS topic → its ARN and name, e.g. `AlertsTopic`. */
  topics: Record<string, { arn: string; name: string }>;
  /** Logical id of each KMS key → its alias, e.g. `HotWalletKeyA` → `alias/lanepay-local-hot-wallet-a`. */
  keys: Record<string, string>;
  /** Logical id of each S3 bucket → its name, e.g. `ReportsBucket` → `lanepay-local-reportsbucket`. */
  buckets: Record<string, string>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export type CfnResources = Record<string, CfnResource>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** osls's bin (node_modules/serverless/package.json → bin.serverless), run with this node. */
export const serverlessBin = path.join(repoRoot, 'node_modules', 'serverless', 'bin', 'serverless.js');

export const region = 'us-east-1';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The environment serverless and the functions see on the local stage: SDK endpoints point at the emulators. */
export function emulatorEnv(endpoints: Endpoints): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_KMS: endpoints.kms,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  };
}

/** Renders serverless.yml for a stage of the local target (`local`, or `drill`) and returns its `resources.Resources`. */
export async function loadResources(endpoints: Endpoints, stage = 'local'): Promise<CfnResources> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      [serverlessBin, 'print', '--stage', stage, '--format', 'json'],
      {
        cwd: repoRoot,
        env: {
          // Resources do not depend on the chain registry, but the functions' environment does and
          // serverless resolves all of serverless.yml; the real registry needs the keys made here.
          LANEPAY_CHAIN_REGISTRY: '[]',
          ...process.env,
          ...emulatorEnv(endpoints),
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    ));
  } catch (error) {
    const { stderr = '', stdout: out = '' } = error as { stderr?: string; stdout?: string };
    // osls prints its "Error:" block on stdout and only the environment banner on stderr.
    const output = `${out}\n${stderr}`;
    const reason = output.includes('Error:') ? output.slice(output.indexOf('Error:')) : output || String(error);
    throw new StackError(
      `\`serverless print --stage ${stage}\` failed, so serverless.yml (or a file it includes) does not render:\n` +
        `${reason.trim()}\nReproduce with: node node_modules/serverless/bin/serverless.js print --stage ${stage}`,
    );
  }
  const printed = JSON.parse(stdout) as { resources?: unknown };
  // serverless merges a `resources` list into one object; a list would be a serverless change.
  const blocks = Array.isArray(printed.resources) ? printed.resources : [printed.resources ?? {}];
  const resources: CfnResources = {};
  for (const block of blocks as { Resources?: CfnResources }[]) Object.assign(resources, block.Resources ?? {});
  return resources;
}

export interface ProvisionOptions {
  /** The stage the resources were rendered for (names the buckets CloudFormation would name). Default `local`. */
  stage?: string;
  /**
   * A recovery stack (`lanepay dr drill`): its table is a restored copy that exists already, and its
   * keys are the source stage's (KMS keys outlive a lost table; the copy's ciphertexts and digests
   * need them). The table is adopted, with what a restore does not bring back (its stream and TTL),
   * and each key's logical id maps to the source's key id, which the new aliases then name.
   */
  recovery?: { keyIds: Record<string, string> };
}

/**
 * Creates every table, queue, key and alias in `resources` on the emulators. Each resource is a
 * memoised promise, so a reference to another resource (a dead-letter queue's ARN, a key id)
 * simply waits for that one to exist: dependencies are created first, the rest in parallel.
 */
export async function provision(endpoints: Endpoints, resources: CfnResources, options: ProvisionOptions = {}): Promise<ProvisionedResources> {
  const config = { region, credentials: localCredentials, maxAttempts: 2 };
  const dynamodb = new DynamoDBClient({ ...config, endpoint: endpoints.dynamodb });
  const sqs = new SQSClient({ ...config, endpoint: endpoints.sqs });
  const kms = new KMSClient({ ...config, endpoint: endpoints.kms });
  const sns = new SNSClient({ ...config, endpoint: endpoints.sns });
  const s3 = new S3Client({ ...config, endpoint: endpoints.s3, forcePathStyle: true });
  const clients = { dynamodb, sqs, kms, sns, s3 };

  const created = new Map<string, Promise<Attributes>>();
  const ensure = (id: string, chain: string[]): Promise<Attributes> => {
    const resource = resources[id];
    if (resource === undefined) throw new StackError(`${chain.at(-1)} refers to ${id}, which is not a resource in serverless.yml.`);
    if (chain.includes(id)) throw new StackError(`Resources ${[...chain, id].join(' → ')} refer to each other in a cycle.`);
    let attributes = created.get(id);
    if (attributes === undefined) {
      const context: Context = { id, clients, stage: options.stage ?? 'local', recovery: options.recovery, resolve: (value) => resolveIntrinsics(value, id, [...chain, id], ensure) };
      attributes = createResource(resource, context);
      created.set(id, attributes);
    }
    return attributes;
  };

  try {
    const supported = Object.keys(resources).filter((id) => creators[resources[id]!.Type] !== undefined);
    const results = await Promise.all(supported.map(async (id) => [id, resources[id]!.Type, await ensure(id, [])] as const));

    const tables = results.filter(([, type]) => type === 'AWS::DynamoDB::Table');
    // Lanepay is single-table by design (docs/ledger.md); StackInfo publishes one table name.
    if (tables.length !== 1) throw new StackError(`serverless.yml defines ${tables.length} DynamoDB tables; the local stack expects exactly one.`);
    const queues: ProvisionedResources['queues'] = {};
    for (const [id, type, attributes] of results) {
      if (type === 'AWS::SQS::Queue') queues[id] = { url: attributes.Ref!, arn: attributes.Arn!, name: attributes.QueueName! };
    }
    const topics: ProvisionedResources['topics'] = {};
    for (const [id, type, attributes] of results) {
      if (type === 'AWS::SNS::Topic') topics[id] = { arn: attributes.Ref!, name: attributes.TopicName! };
    }
    const keys: Record<string, string> = {};
    for (const [id, type, attributes] of results) {
      if (type === 'AWS::KMS::Alias') keys[attributes.TargetLogicalId!] = attributes.Ref!;
    }
    const buckets: Record<string, string> = {};
    for (const [id, type, attributes] of results) {
      if (type === 'AWS::S3::Bucket') buckets[id] = attributes.Ref!;
    }
    return { tableName: tables[0]![2].Ref!, queues, topics, keys, buckets };
  } catch (error) {
    if (error instanceof StackError) throw error;
    throw new StackError(`Creating the local resources failed: ${(error as Error).message}`);
  } finally {
    dynamodb.destroy();
    sqs.destroy();
    kms.destroy();
    sns.destroy();
    s3.destroy();
  }
}

/** What `Ref` and `Fn::GetAtt` can read from a created resource. */
interface Attributes {
  Ref?: string;
  Arn?: string;
  QueueName?: string;
  TopicName?: string;
  StreamArn?: string;
  /** For an alias: the logical id of the key it names. */
  TargetLogicalId?: string;
}

interface Context {
  id: string;
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; kms: KMSClient; sns: SNSClient; s3: S3Client };
  stage: string;
  recovery: ProvisionOptions['recovery'];
  resolve: (value: unknown) => Promise<unknown>;
}

type Creator = (properties: Record<string, unknown>, context: Context) => Promise<Attributes>;

// Other types (IAM roles, alarms, API Gateway, e-mail subscriptions) have no emulator and nothing
// local depends on them.
const creators: Record<string, Creator> = {
  'AWS::DynamoDB::Table': createTable,
  'AWS::SQS::Queue': createQueue,
  'AWS::SNS::Topic': createTopic,
  'AWS::S3::Bucket': createBucket,
  'AWS::KMS::Key': createKey,
  'AWS::KMS::Alias': createAlias,
};

async function createResource(resource: CfnResource, context: Context): Promise<Attributes> {
  try {
    return await creators[resource.Type]!(resource.Properties ?? {}, context);
  } catch (error) {
    if (error instanceof StackError) throw error;
    throw new StackError(`Creating ${resource.Type} ${context.id} on the emulator failed: ${(error as Error).message}`);
  }
}

/**
 * Resolves `Ref` and `Fn::GetAtt` (Arn, QueueName, StreamArn) to created resources; any other
 * intrinsic function fails naming the resource, rather than reaching an emulator half-rendered.
 */
async function resolveIntrinsics(
  value: unknown,
  owner: string,
  chain: string[],
  ensure: (id: string, chain: string[]) => Promise<Attributes>,
): Promise<unknown> {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveIntrinsics(item, owner, chain, ensure)));
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first !== undefined) {
    const [name, argument] = first;
    if (name === 'Ref' && typeof argument === 'string') {
      return (await ensure(argument, chain)).Ref ?? unsupported(owner, `{ Ref: ${argument} }`);
    }
    if (name === 'Fn::GetAtt') {
      const [target, attribute] = (Array.isArray(argument) ? argument : String(argument).split('.')) as [string, string];
      if (!['Arn', 'QueueName', 'StreamArn'].includes(attribute)) unsupported(owner, `Fn::GetAtt ${target}.${attribute}`);
      return (await ensure(target, chain))[attribute as 'Arn'] ?? unsupported(owner, `Fn::GetAtt ${target}.${attribute}`);
    }
    if (name.startsWith('Fn::') || name === 'Condition') unsupported(owner, name);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of entries) resolved[key] = await resolveIntrinsics(item, owner, chain, ensure);
  return resolved;
}

function unsupported(owner: string, what: string): never {
  throw new StackError(
    `Resource ${owner} uses ${what}, which scripts/stack/provision.ts cannot resolve locally ` +
      `(it handles Ref, Fn::GetAtt Arn/QueueName/StreamArn and plain values). Use one of those, or teach provision.ts the new form.`,
  );
}

/**
 * Fails on a property this file neither maps nor knowingly skips: dropping it silently would let
 * the local stack differ from AWS without anyone noticing.
 */
function checkProperties(context: Context, type: string, properties: Record<string, unknown>, mapped: string[], skipped: string[]): void {
  for (const name of Object.keys(properties)) {
    if (!mapped.includes(name) && !skipped.includes(name)) {
      throw new StackError(
        `${type} ${context.id} has property ${name}, which scripts/stack/provision.ts does not map to the emulator. ` +
          'Map it there, or add it to the skipped list with the reason.',
      );
    }
  }
}

async function createTable(properties: Record<string, unknown>, context: Context): Promise<Attributes> {
  checkProperties(
    context,
    'AWS::DynamoDB::Table',
    properties,
    ['TableName', 'BillingMode', 'AttributeDefinitions', 'KeySchema', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes',
      'StreamSpecification', 'TimeToLiveSpecification', 'ProvisionedThroughput'],
    // Backups, encryption at rest and tags change nothing a local test can observe.
    ['PointInTimeRecoverySpecification', 'SSESpecification', 'Tags', 'DeletionProtectionEnabled', 'ContributorInsightsSpecification', 'TableClass'],
  );
  const p = (await context.resolve(properties)) as Record<string, any>;
  const input: CreateTableCommandInput = {
    TableName: p.TableName,
    BillingMode: p.BillingMode,
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
    LocalSecondaryIndexes: p.LocalSecondaryIndexes,
    ProvisionedThroughput: p.ProvisionedThroughput,
    // CloudFormation implies StreamEnabled from the presence of a view type; the API wants it said.
    StreamSpecification: p.StreamSpecification ? { StreamEnabled: true, StreamViewType: p.StreamSpecification.StreamViewType } : undefined,
  };
  if (typeof input.TableName !== 'string') {
    throw new StackError(`AWS::DynamoDB::Table ${context.id} has no TableName; the local stack needs one to tell functions where to write.`);
  }
  const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (context.recovery) return adoptRestoredTable(context, input, ttl);
  const { TableDescription: table } = await context.clients.dynamodb.send(new CreateTableCommand(input));
  if (ttl?.Enabled && ttl.AttributeName) {
    await context.clients.dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName: input.TableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }),
    );
  }
  return { Ref: input.TableName, Arn: table?.TableArn, StreamArn: table?.LatestStreamArn };
}

/**
 * A restored table as the template declares it: a restore brings back items and indexes, not the
 * stream or TTL (on AWS too: its documentation lists them among what to set again), so the outbox
 * would never reach the relay. Both are set here, and the stream read from then on.
 */
async function adoptRestoredTable(context: Context, input: CreateTableCommandInput, ttl: { AttributeName?: string; Enabled?: boolean } | undefined): Promise<Attributes> {
  const { dynamodb } = context.clients;
  const tableName = input.TableName!;
  const { Table: before } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  if (before === undefined) throw new StackError(`The restored table ${tableName} does not exist: restore it before provisioning its recovery stack.`);
  if (input.StreamSpecification && !before.StreamSpecification?.StreamEnabled) {
    await dynamodb.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: input.StreamSpecification }));
  }
  if (ttl?.Enabled && ttl.AttributeName) {
    await dynamodb.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
  }
  const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  return { Ref: tableName, Arn: table?.TableArn, StreamArn: table?.LatestStreamArn };
}

/** CloudFormation property → SQS attribute of the same name, sent as a string. */
const queueAttributes = ['FifoQueue', 'ContentBasedDeduplication', 'VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds',
  'MaximumMessageSize', 'ReceiveMessageWaitTimeSeconds'];

async function createQueue(properties: Record<string, unknown>, context: Context): Promise<Attributes> {
  checkProperties(
    context,
    'AWS::SQS::Queue',
    properties,
    ['QueueName', 'RedrivePolicy', ...queueAttributes],
    // ElasticMQ rejects these with InvalidAttributeName: it has no server-side encryption, and
    // high-throughput FIFO only changes AWS's partitioning, not ordering or deduplication.
    ['SqsManagedSseEnabled', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'DeduplicationScope', 'FifoThroughputLimit', 'Tags'],
  );
  const p = (await context.resolve(properties)) as Record<string, unknown>;
  if (typeof p.QueueName !== 'string') {
    throw new StackError(`AWS::SQS::Queue ${context.id} has no QueueName; name it in infra/queues.yml so functions can find it.`);
  }
  const attributes: Record<string, string> = {};
  for (const name of queueAttributes) if (p[name] !== undefined) attributes[name] = String(p[name]);
  // The dead-letter queue's ARN was resolved above, which also created that queue first.
  if (p.RedrivePolicy !== undefined) attributes.RedrivePolicy = JSON.stringify(p.RedrivePolicy);

  const { QueueUrl: url } = await context.clients.sqs.send(new CreateQueueCommand({ QueueName: p.QueueName, Attributes: attributes }));
  const { Attributes: created } = await context.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { Ref: url, Arn: created?.QueueArn, QueueName: p.QueueName };
}

async function createTopic(properties: Record<string, unknown>, context: Context): Promise<Attributes> {
  checkProperties(
    context,
    'AWS::SNS::Topic',
    properties,
    ['TopicName', 'DisplayName'],
    // moto does not encrypt, and subscriptions are made by the tests that need them.
    ['KmsMasterKeyId', 'Subscription', 'Tags'],
  );
  const p = (await context.resolve({ TopicName: properties.TopicName, DisplayName: properties.DisplayName })) as { TopicName?: unknown; DisplayName?: string };
  if (typeof p.TopicName !== 'string') {
    throw new StackError(`AWS::SNS::Topic ${context.id} has no TopicName; name it in infra/*.yml so functions can find it.`);
  }
  const { TopicArn: arn } = await context.clients.sns.send(
    new CreateTopicCommand({ Name: p.TopicName, Attributes: p.DisplayName ? { DisplayName: p.DisplayName } : undefined }),
  );
  return { Ref: arn, TopicName: p.TopicName };
}

/**
 * A bucket on moto, named as CloudFormation leaves unnamed ones to it: here `lanepay-local-<logical id>`
 * (infra/environment.yml's local REPORTS_BUCKET says the same). moto keeps no encryption, lifecycle or
 * Object Lock rules, and the local stack has no second region to replicate to (docs/dr.md); what
 * matters locally is that the objects are there.
 */
async function createBucket(properties: Record<string, unknown>, context: Context): Promise<Attributes> {
  checkProperties(
    context,
    'AWS::S3::Bucket',
    properties,
    ['BucketName'],
    ['VersioningConfiguration', 'BucketEncryption', 'PublicAccessBlockConfiguration', 'OwnershipControls', 'LifecycleConfiguration', 'ObjectLockEnabled', 'ObjectLockConfiguration', 'ReplicationConfiguration', 'Tags'],
  );
  const p = (await context.resolve({ BucketName: properties.BucketName })) as { BucketName?: unknown };
  const name = typeof p.BucketName === 'string' ? p.BucketName : `lanepay-${context.stage}-${context.id.toLowerCase()}`;
  await context.clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  return { Ref: name, Arn: `arn:aws:s3:::${name}` };
}

async function createKey(properties: Record<string, unknown>, context: Context): Promise<Attributes> {
  checkProperties(
    context,
    'AWS::KMS::Key',
    properties,
    ['KeySpec', 'KeyUsage', 'Description'],
    // local-kms enforces no policies and never rotates; the key material's type is what matters locally.
    ['KeyPolicy', 'EnableKeyRotation', 'RotationPeriodInDays', 'PendingWindowInDays', 'Enabled', 'MultiRegion', 'Tags', 'Origin', 'BypassPolicyLockoutSafetyCheck'],
  );
  // A key with an alias holds or signs data the copy depends on: the source's. One without (a topic's
  // encryption, which the emulator skips) protects nothing a copy carries, so the recovery stack gets its own.
  const sourceKeyId = context.recovery?.keyIds[context.id];
  if (sourceKeyId !== undefined) return { Ref: sourceKeyId };
  const p = (await context.resolve({ KeySpec: properties.KeySpec, KeyUsage: properties.KeyUsage, Description: properties.Description })) as {
    KeySpec?: KeySpec;
    KeyUsage?: KeyUsageType;
    Description?: string;
  };
  const { KeyMetadata: key } = await context.clients.kms.send(
    new CreateKeyCommand({ KeySpec: p.KeySpec, KeyUsage: p.KeyUsage, Description: p.Description }),
  );
  return { Ref: key?.KeyId, Arn: key?.Arn };
}

async function createAlias(properties: Record<string, unknown>, context: Context): Promise<Attributes> {
  checkProperties(context, 'AWS::KMS::Alias', properties, ['AliasName', 'TargetKeyId'], []);
  const target = properties.TargetKeyId as { Ref?: unknown } | undefined;
  if (typeof target?.Ref !== 'string') {
    throw new StackError(`AWS::KMS::Alias ${context.id} must name its key as TargetKeyId: { Ref: <key> } so the local stack knows which key it is.`);
  }
  const p = (await context.resolve(properties)) as { AliasName: string; TargetKeyId: string };
  await context.clients.kms.send(new CreateAliasCommand({ AliasName: p.AliasName, TargetKeyId: p.TargetKeyId }));
  return { Ref: p.AliasName, TargetLogicalId: target.Ref };
}
