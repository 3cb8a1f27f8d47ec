import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { issueRealtimeToken } from '#lib/notify/realtime/tokens.js';
import { StackError } from '../stack/errors.js';
import { localCredentials } from '../stack/provision.js';
import type { StackInfo } from '../stack/types.js';
import { fillTemplate, flatten, placeholders } from './template.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type HandlerSource = 'bundle' | 'source';

/**
 * The file and export of a serverless.yml `handler` (`dist/<bundle>/handler.<export>`): the bundle
 * Lambda and serverless-offline run, or its source functions/<bundle>/handler.ts.
 */
export function handlerFile(handler: string, from: HandlerSource): { file: string; exportName: string } {
  const match = /^dist\/([^/]+)\/handler\.(\w+)$/.exec(handler);
  if (!match) throw new StackError(`The handler ${handler} is not dist/<bundle>/handler.<export>.`);
  const [, bundle, exportName] = match as unknown as [string, string, string];
  return {
    file: from === 'bundle' ? path.join(repoRoot, 'dist', bundle, 'handler.mjs') : path.join(repoRoot, 'functions', bundle, 'handler.ts'),
    exportName,
  };
}

/**
 * Calls a function's handler in this process with `env` as its environment, as Lambda would:
 * the environment is in place before the module loads, since handlers read their configuration
 * at cold start. Each module loads once per process (a warm container after the first call).
 */
export async function invokeHandler(functionName: string, event: unknown, env: NodeJS.ProcessEnv, from: HandlerSource, handler = `dist/${functionName}/handler.handler`): Promise<unknown> {
  const { file, exportName } = handlerFile(handler, from);
  if (!fs.existsSync(file)) {
    throw new StackError(from === 'bundle' ? `${path.relative(repoRoot, file)} is not built: run \`npm run build\`, or pass --source.` : `${path.relative(repoRoot, file)} does not exist.`);
  }
  Object.assign(process.env, env);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const run = module[exportName];
  if (typeof run !== 'function') throw new StackError(`${path.relative(repoRoot, file)} exports no ${exportName}.`);
  return (run as (event: unknown, context: Context) => Promise<unknown>)(event, lambdaContext(functionName, Number(env.LANEPAY_FUNCTION_TIMEOUT_SECONDS ?? 30)));
}

function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadlineMs = Date.now() + timeoutSeconds * 1000;
  const name = `lanepay-local-${functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The values a sample's placeholders take: everything the demo seed saved (`merchant_id`,
 * `payments.held`, ...) and, made on demand, `fresh.realtime_token` (tokens are single-use, so a
 * saved one would work once).
 */
export async function templateValues(stack: StackInfo, seed: Record<string, unknown>, names: string[]): Promise<Record<string, string>> {
  const values = flatten(seed);
  if (names.includes('fresh.realtime_token')) {
    const dynamodb = new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: stack.region, credentials: localCredentials });
    try {
      const issued = await issueRealtimeToken(
        { dynamodb, tableName: stack.tableName, now: () => new Date(), tokenTtlMs: 300_000 },
        { merchantId: String(seed.merchant_id) },
      );
      values['fresh.realtime_token'] = issued.token;
    } finally {
      dynamodb.destroy();
    }
  }
  return values;
}

/** Reads a sample event and fills in its placeholders; the seed is read only if one is used. */
export async function loadEvent(file: string, stack: StackInfo, seed: () => Record<string, unknown>): Promise<unknown> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const names = placeholders(raw);
  return names.length === 0 ? raw : fillTemplate(raw, await templateValues(stack, seed(), names));
}

export type Verdict = { accepted: true } | { accepted: false; reason: string };

/**
 * Whether a function's answer means it took the event: an HTTP answer below 500, a batch with no
 * failed records, an authorizer policy that allows. (A thrown error is the caller's to catch.)
 */
export function judge(result: unknown): Verdict {
  const answer = (result ?? {}) as { statusCode?: unknown; batchItemFailures?: unknown; policyDocument?: { Statement?: { Effect?: string }[] } };
  if (typeof answer.statusCode === 'number' && answer.statusCode >= 500) return { accepted: false, reason: `answered ${answer.statusCode}` };
  if (Array.isArray(answer.batchItemFailures) && answer.batchItemFailures.length > 0) {
    return { accepted: false, reason: `${answer.batchItemFailures.length} record(s) failed: ${JSON.stringify(answer.batchItemFailures)}` };
  }
  const statements = answer.policyDocument?.Statement;
  if (statements && !statements.every((statement) => statement.Effect === 'Allow')) return { accepted: false, reason: 'the policy denies' };
  return { accepted: true };
}
