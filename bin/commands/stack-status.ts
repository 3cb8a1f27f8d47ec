import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { defineCommand } from '../command.js';
import { awsClientConfig, readLocalStack } from '../stage.js';

interface Check {
  component: string;
  endpoint: string;
  status: 'up' | 'down';
  detail: string;
}

// A stopped emulator refuses at once; a hung one must not hold the command up for the SDK's minutes.
const timeoutMs = 2_000;
const sdkOptions = { maxAttempts: 1, requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs } };

export default defineCommand({
  name: 'stack status',
  description: 'Checks that every part of the local stack (`npm run dev`) answers',
  options: { json: { type: 'boolean', default: false, description: 'prints JSON instead of a table' } },
  localOnly: true,
  async run({ values, print }) {
    const stack = readLocalStack();
    const probes: Promise<Check>[] = [
      check('DynamoDB', stack.endpoints.dynamodb, async () => {
        const client = new DynamoDBClient({ ...awsClientConfig('local', 'dynamodb'), ...sdkOptions });
        try {
          const { TableNames = [] } = await client.send(new ListTablesCommand({}));
          const table = TableNames.includes(stack.tableName) ? `, ${stack.tableName} present` : `, ${stack.tableName} MISSING`;
          return `${plural(TableNames.length, 'table')}${table}`;
        } finally {
          client.destroy();
        }
      }),
      check('SQS', stack.endpoints.sqs, async () => {
        const client = new SQSClient({ ...awsClientConfig('local', 'sqs'), ...sdkOptions });
        try {
          const { QueueUrls = [] } = await client.send(new ListQueuesCommand({}));
          return plural(QueueUrls.length, 'queue');
        } finally {
          client.destroy();
        }
      }),
      check('KMS', stack.endpoints.kms, async () => {
        const client = new KMSClient({ ...awsClientConfig('local', 'kms'), ...sdkOptions });
        try {
          const { Keys = [] } = await client.send(new ListKeysCommand({}));
          return plural(Keys.length, 'key');
        } finally {
          client.destroy();
        }
      }),
      ...stack.chains.map((chain) =>
        check(`chain ${chain.name} (${chain.chainId})`, chain.rpcUrl, async () => {
          const response = await fetch(chain.rpcUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          const body = (await response.json()) as { result?: string; error?: { message: string } };
          if (body.result === undefined) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
          return `head block ${Number(BigInt(body.result))}`;
        }),
      ),
      // One service attests every chain's messages (docs/treasury.md); a stack file from before it has none.
      ...stack.chains.slice(0, 1).filter((chain) => chain.cctp !== undefined).map((chain) =>
        check('CCTP attestations', chain.cctp.attestationUrl, async () => {
          // A transaction that sent no message: Iris's answer is a 404 with a JSON body.
          const response = await fetch(`${chain.cctp.attestationUrl}/v2/messages/${chain.cctp.domain}?transactionHash=0x${'0'.repeat(64)}`, { signal: AbortSignal.timeout(timeoutMs) });
          await response.json();
          if (response.status !== 404) throw new Error(`an unknown transaction answered HTTP ${response.status}, not 404`);
          return `GET /v2/messages/${chain.cctp.domain} answered 404 for an unknown transaction`;
        }),
      ),
      check('API (serverless offline)', `${stack.apiUrl}/v1`, async () => {
        const response = await fetch(`${stack.apiUrl}/v1/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) });
        // Answering with an error means offline runs but the query function is broken; say so.
        if (!response.ok) throw new Error(`GET /v1/openapi.json answered HTTP ${response.status}`);
        return 'GET /v1/openapi.json answered 200';
      }),
    ];
    const checks = await Promise.all(probes);

    if (values.json) {
      print(JSON.stringify(checks, null, 2));
    } else {
      print(table(checks));
      if (checks.every((c) => c.status === 'down')) {
        print('\nNothing answers: the stack in .local/stack.json has stopped. Start one with `npm run dev`.');
      }
    }
    return checks.some((c) => c.status === 'down') ? 1 : 0;
  },
});

async function check(component: string, endpoint: string, probe: () => Promise<string>): Promise<Check> {
  try {
    return { component, endpoint, status: 'up', detail: await probe() };
  } catch (error) {
    return { component, endpoint, status: 'down', detail: describe(error) };
  }
}

/** "connection refused" rather than the SDK's or undici's nested wording. */
function describe(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  const code = (current as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (current instanceof Error && (current.name === 'TimeoutError' || current.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  return current instanceof Error ? current.message : String(current);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function table(checks: Check[]): string {
  const rows = [['COMPONENT', 'ENDPOINT', 'STATUS', 'DETAIL'], ...checks.map((c) => [c.component, c.endpoint, c.status, c.detail])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
