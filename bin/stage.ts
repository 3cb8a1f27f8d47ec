import fs from 'node:fs';
import { StackError } from '../scripts/stack/errors.js';
import { stackInfoFile } from '../scripts/stack/stack.js';
import type { StackInfo } from '../scripts/stack/types.js';

/** The stack `npm run dev` published, or a message saying how to start one. */
export function readLocalStack(): StackInfo {
  let text: string;
  try {
    text = fs.readFileSync(stackInfoFile, 'utf8');
  } catch {
    throw new StackError('No local stack is running here: start one with `npm run dev`.');
  }
  try {
    return JSON.parse(text) as StackInfo;
  } catch {
    throw new StackError(`${stackInfoFile} is not valid JSON; restart the local stack with \`npm run dev\` to rewrite it.`);
  }
}

export type AwsService = 'dynamodb' | 'sqs' | 'kms';

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
