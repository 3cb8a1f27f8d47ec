import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import * as z from 'zod';
import { ChainRegistry, chainRegistrySchema } from '#chains';
import { LanepayError, retryTransactionConflicts, type Stage } from '#platform';
import { StackError } from '../scripts/stack/errors.js';
import { localChainRegistry } from '../scripts/stack/registry.js';
import type { StackChain, StackInfo } from '../scripts/stack/types.js';

/**
 * `.local/stack.json`, written by `npm run dev` at the repository's root: looked for from the
 * working directory upwards, so the CLI finds it from any folder of the checkout and also when it
 * runs as an installed package (whose own folder is somewhere under node_modules).
 */
export function findStackFile(from = process.cwd()): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.local', 'stack.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The stack the local stage means: `.local/stack.json` (see findStackFile), or the file
 * LANEPAY_STACK_FILE names, which is how tests point the CLI at the stack they started.
 */
export function readLocalStack(): StackInfo {
  const named = process.env.LANEPAY_STACK_FILE;
  const file = named || findStackFile();
  if (file === undefined) throw new StackError('No local stack is running here: start one with `npm run dev` (it writes .local/stack.json).');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (named) throw new StackError(`LANEPAY_STACK_FILE names ${file}, which cannot be read; point it at a stack.json or unset it.`);
    throw new StackError('No local stack is running here: start one with `npm run dev`.');
  }
  try {
    return JSON.parse(text) as StackInfo;
  } catch {
    throw new StackError(`${file} is not valid JSON; restart the local stack with \`npm run dev\` to rewrite it.`);
  }
}

export function stageChainRegistry(stage: string): ChainRegistry {
  if (stage === 'local') return localChainRegistry(readLocalStack().chains);
  const json = process.env.LANEPAY_CHAIN_REGISTRY;
  if (json === undefined || json.trim() === '') {
    throw new StackError(`LANEPAY_CHAIN_REGISTRY is not set: export the chain registry JSON ${stage} was deployed with, e.g. LANEPAY_CHAIN_REGISTRY="$(cat chains.${stage}.json)".`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new StackError(`LANEPAY_CHAIN_REGISTRY is not valid JSON: ${(error as Error).message}.`);
  }
  const registry = chainRegistrySchema.safeParse(parsed);
  if (!registry.success) throw new StackError(describeZodError(registry.error, 'LANEPAY_CHAIN_REGISTRY'));
  return new ChainRegistry(registry.data);
}

export type AwsService = 'dynamodb' | 'sqs' | 'kms' | 'sns';

/**
 * SDK client settings for a stage: the emulators for `local`, and for every other stage nothing,
 * so the SDK's default credential chain, region and endpoints (AWS_PROFILE, AWS_REGION…) apply.
 */
export function awsClientConfig(stage: string, service: AwsService) {
  if (stage !== 'local') return {};
  const stack = readLocalStack();
  return {
    endpoint: stack.endpoints[service],
    region: stack.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

const stages = ['local', 'dev', 'prod'] as const satisfies readonly Stage[];

/** `--stage` as lib knows it; lib decides key prefixes and sandbox refusal from it. */
export function knownStage(stage: string): Stage {
  if ((stages as readonly string[]).includes(stage)) return stage as Stage;
  throw new StackError(`Unknown stage \`${stage}\`: serverless.yml deploys ${stages.join(', ')}.`);
}

/** What the merchant, balance and customer commands hand to lib: the stage's table, digest key and clients. */
export interface StageDeps {
  stage: Stage;
  tableName: string;
  apiKeyDigestKeyId: string;
  /** The envelope-encryption key (TOTP secrets of members). */
  dataKeyId: string;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
}

/**
 * Local names come from the running stack; deployed stages use the names serverless.yml gives
 * (custom.names: table `lanepay-<stage>`, key alias `alias/lanepay-<stage>-api-key-digest`).
 * Creating the clients sends nothing, so a command may refuse a stage after calling this.
 */
export function stageDeps(stageName: string): StageDeps {
  const stage = knownStage(stageName);
  let tableName = `lanepay-${stage}`;
  let apiKeyDigestKeyId = `alias/lanepay-${stage}-api-key-digest`;
  let dataKeyId = `alias/lanepay-${stage}-data`;
  if (stage === 'local') {
    const stack = readLocalStack();
    tableName = stack.tableName;
    const digestKey = stack.keys.ApiKeyDigestKey;
    if (!digestKey) throw new StackError('The local stack publishes no ApiKeyDigestKey; restart it with `npm run dev`.');
    apiKeyDigestKeyId = digestKey;
    dataKeyId = stack.keys.DataKey ?? dataKeyId;
  }
  return {
    stage,
    tableName,
    apiKeyDigestKeyId,
    dataKeyId,
    dynamodb: retryTransactionConflicts(new DynamoDBClient(awsClientConfig(stage, 'dynamodb'))),
    kms: new KMSClient(awsClientConfig(stage, 'kms')),
  };
}

/**
 * lib's refusals (LanepayError) and invalid input (ZodError) are news for the user, not bugs: the
 * CLI prints StackErrors as one line with exit code 1, so they become StackErrors. Anything else
 * is rethrown untouched, so a real bug keeps its stack trace.
 */
export function userError(error: unknown): unknown {
  if (error instanceof LanepayError) return new StackError(error.detail, { cause: error });
  // $ZodError: the errors of classic and zod/mini schemas (the profile, the policy, configuration) alike.
  if (error instanceof z.core.$ZodError) return new StackError(describeZodError(error), { cause: error });
  return error;
}

/** `maxPerPaymentMinor.USDC: must be …; kyc: unrecognized key "x"`, on one line. */
export function describeZodError(error: z.core.$ZodError, subject = 'The input'): string {
  const problems = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${where}: ${issue.message}`;
  });
  return `${subject} is invalid: ${problems.join('; ')}.`;
}

/** parseArgs has no required options; this names the missing one and shows its shape. */
export function requiredOption(value: string | undefined, flag: string, example: string): string {
  if (value === undefined || value === '') throw new StackError(`--${flag} is required, e.g. --${flag} ${example}.`);
  return value;
}

/** A time flag's value in milliseconds: any form Date.parse reads (ISO 8601), or a user error naming the flag. */
export function timeOption(value: string, flag: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new StackError(`--${flag} is not a time; give an ISO 8601 time such as 2026-12-01T00:00:00Z.`);
  return ms;
}

/**
 * A duration flag's value in milliseconds: a whole number and a unit (90s, 15m, 2h, 1d), at least 1 s,
 * or a user error naming the flag.
 */
export function durationOption(value: string, flag: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (!match) throw new StackError(`--${flag} ${JSON.stringify(value)} must be a whole number and a unit: 90s, 15m, 2h or 1d.`);
  const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  if (seconds < 1) throw new StackError(`--${flag} must be at least 1s.`);
  return seconds * 1000;
}

/** Results are JSON on stdout, indented for people and parseable by scripts. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
