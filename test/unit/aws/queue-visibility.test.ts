import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// merge: infra/settings.yml's drill stage is the local one plus a few keys (a YAML merge, as osls reads it).
const readYaml = (file: string) => parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'), { merge: true }) as Record<string, unknown>;
const yamlFiles = (dir: string) => fs.readdirSync(path.join(repoRoot, dir)).filter((f) => f.endsWith('.yml')).map((f) => `${dir}/${f}`);

type Settings = Record<string, unknown>;
interface SqsTrigger { function: string; queue: string; timeout: unknown }

const stages = readYaml('infra/settings.yml') as Record<string, Settings>;
const provider = (readYaml('serverless.yml') as { provider: { timeout: unknown } }).provider;

const queues: Record<string, { VisibilityTimeout?: unknown }> = {};
for (const file of yamlFiles('infra')) {
  const resources = (readYaml(file).Resources ?? {}) as Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  for (const [id, resource] of Object.entries(resources)) if (resource.Type === 'AWS::SQS::Queue') queues[id] = resource.Properties ?? {};
}

const triggers: SqsTrigger[] = [];
for (const file of yamlFiles('functions')) {
  for (const [name, fn] of Object.entries(readYaml(file) as Record<string, { timeout?: unknown; events?: { sqs?: { arn: { 'Fn::GetAtt': [string, string] } } }[] }>)) {
    for (const event of fn.events ?? []) {
      if (!event.sqs) continue;
      triggers.push({ function: name, queue: event.sqs.arn['Fn::GetAtt'][0], timeout: fn.timeout ?? provider.timeout });
    }
  }
}

/** A number, or `${self:custom.settings.<name>}` of the stage; anything else is a value this check cannot judge. */
function seconds(value: unknown, settings: Settings, what: string): number {
  if (typeof value === 'number') return value;
  const setting = typeof value === 'string' ? /^\$\{self:custom\.settings\.(\w+)\}$/.exec(value)?.[1] : undefined;
  const resolved = setting ? settings[setting] : undefined;
  if (typeof resolved !== 'number') throw new Error(`${what}: cannot resolve ${JSON.stringify(value)} to a number of seconds`);
  return resolved;
}

describe('queue visibility against the timeout of the function it triggers (every stage of infra/settings.yml)', () => {
  it('finds the queue-triggered functions (chain-submit, chain-check and the others)', () => {
    expect(triggers.map((t) => `${t.function}<-${t.queue}`)).toEqual(expect.arrayContaining(['chain-submit<-ChainSubmitQueue', 'chain-check<-ChainCheckQueue', 'notify<-NotifyQueue']));
    expect(Object.keys(stages)).toEqual(expect.arrayContaining(['local', 'dev', 'prod']));
  });

  // AWS refuses an SQS event source mapping whose queue's visibility timeout is shorter than the
  // function's timeout: a message still being handled would be handed to a second invocation (and
  // after maxReceiveCount receives, to the dead-letter queue). AWS recommends six times the
  // timeout plus the batching window; the refusal is below the timeout, which is what this checks.
  // The local stage must be deployable too, or it tests a pipeline AWS would never run.
  for (const [stage, settings] of Object.entries(stages)) {
    it(`${stage}: every queue with a function trigger keeps a message invisible at least as long as the function's timeout`, () => {
      const tooShort = triggers.flatMap((trigger) => {
        const queue = queues[trigger.queue];
        if (!queue) return [`${trigger.function}: queue ${trigger.queue} not found in infra/*.yml`];
        const visibility = seconds(queue.VisibilityTimeout ?? 30, settings, `${trigger.queue}.VisibilityTimeout`);
        const timeout = seconds(trigger.timeout, settings, `${trigger.function}.timeout`);
        return visibility >= timeout ? [] : [`${trigger.queue} visibility ${visibility} s < ${trigger.function} timeout ${timeout} s`];
      });
      expect(tooShort).toEqual([]);
    });
  }
});
