import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { paginateListTopics, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { replayFailures, type ReplayDeps, type ReplayedMessage } from '#notify';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { awsClientConfig, json, knownStage, readLocalStack } from '../stage.js';

export default defineCommand({
  name: 'outbox replay',
  description: 'Relays the outbox records the stream trigger gave up on (its on-failure queue), then deletes each message',
  options: {
    limit: { type: 'string', placeholder: 'n', description: 'replays at most n messages (default: all)' },
    json: { type: 'boolean', default: false, description: 'prints JSON instead of lines' },
  },
  async run({ stage, values, print }) {
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (!(limit > 0)) throw new StackError(`--limit must be a positive number, not "${values.limit}".`);
    const deps = await replayDeps(stage);
    try {
      const results = await replayFailures(deps, { limit });
      print(values.json ? json(results) : describe(results));
      return results.some((r) => r.kept !== undefined) ? 1 : 0;
    } finally {
      for (const client of [deps.sqs, deps.sns, deps.streams, deps.dynamodb]) client.destroy();
    }
  },
});

/** Local names come from the running stack; deployed stages use serverless.yml's names (custom.names). */
async function replayDeps(stageName: string): Promise<ReplayDeps> {
  const stage = knownStage(stageName);
  const clients = {
    sqs: new SQSClient(awsClientConfig(stage, 'sqs')),
    sns: new SNSClient(awsClientConfig(stage, 'sns')),
    // The stream is DynamoDB's (moto serves both locally).
    streams: new DynamoDBStreamsClient(awsClientConfig(stage, 'dynamodb')),
    dynamodb: new DynamoDBClient(awsClientConfig(stage, 'dynamodb')),
  };
  if (stage === 'local') {
    const stack = readLocalStack();
    const queue = (id: string) => stack.queues[id]?.url ?? missing(`queue ${id}`);
    return {
      ...clients,
      tableName: stack.tableName,
      failureQueueUrl: queue('OutboxRelayFailureQueue'),
      notifyQueueUrl: queue('NotifyQueue'),
      chainSubmitQueueUrl: queue('ChainSubmitQueue'),
      flowTotalsQueueUrl: queue('FlowTotalsQueue'),
      reportsQueueUrl: queue('ReportsQueue'),
      alertsTopicArn: stack.topics?.AlertsTopic?.arn ?? missing('topic AlertsTopic'),
      treasuryQueueUrl: queue('TreasuryQueue'),
    };
  }
  const prefix = `lanepay-${stage}`;
  const queueUrl = async (name: string) => (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: `${prefix}-${name}` }))).QueueUrl!;
  const [failureQueueUrl, notifyQueueUrl, chainSubmitQueueUrl, flowTotalsQueueUrl, reportsQueueUrl, treasuryQueueUrl, alertsTopicArn] = await Promise.all([
    queueUrl('outbox-relay-failures'), queueUrl('notify'), queueUrl('chain-submit.fifo'), queueUrl('flow-totals'), queueUrl('reports'), queueUrl('treasury'), topicArn(clients.sns, `${prefix}-alerts`),
  ]);
  return { ...clients, tableName: prefix, failureQueueUrl, notifyQueueUrl, chainSubmitQueueUrl, flowTotalsQueueUrl, reportsQueueUrl, treasuryQueueUrl, alertsTopicArn };
}

async function topicArn(sns: SNSClient, name: string): Promise<string> {
  for await (const page of paginateListTopics({ client: sns }, {})) {
    const found = page.Topics?.find((topic) => topic.TopicArn?.endsWith(`:${name}`));
    if (found?.TopicArn) return found.TopicArn;
  }
  throw new StackError(`No SNS topic ${name} in this account and region: is the stage deployed here (AWS_REGION)?`);
}

function missing(what: string): never {
  throw new StackError(`The local stack publishes no ${what}; restart it with \`npm run dev\`.`);
}

function describe(results: ReplayedMessage[]): string {
  if (results.length === 0) return 'The on-failure queue is empty: nothing to replay.';
  return results
    .map((r) => {
      const range = r.batch ? `${r.batch.shardId} ${r.batch.startSequenceNumber}..${r.batch.endSequenceNumber}` : 'unreadable message';
      const events = r.relayed.map((e) => `${e.eventId} (${e.type} → ${e.targets.join(', ')})`).join(', ') || 'none';
      return r.kept !== undefined
        ? `KEPT ${r.messageId} [${range}]: ${r.kept}`
        : `replayed ${r.messageId} [${range}]: ${r.relayed.length} event(s) relayed, ${r.skipped} other record(s); message deleted\n  ${events}`;
    })
    .join('\n');
}
