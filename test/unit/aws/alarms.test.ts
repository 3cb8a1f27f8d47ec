import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const infra = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra');

type Resource = { Type: string; Properties?: Record<string, unknown> };

function resources(): [string, Resource][] {
  return fs.readdirSync(infra).filter((file) => file.endsWith('.yml')).flatMap((file) => {
    const document = parse(fs.readFileSync(path.join(infra, file), 'utf8')) as { Resources?: Record<string, Resource> } | null;
    return Object.entries(document?.Resources ?? {});
  });
}

describe('infra alarms', () => {
  it('has alarms, and every one notifies the stage alerts topic when it fires and when it clears', () => {
    const all = resources();
    const alarms = all.filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm');

    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties?.AlarmActions, id).toEqual([{ Ref: 'AlertsTopic' }]);
      expect(alarm.Properties?.OKActions, id).toEqual([{ Ref: 'AlertsTopic' }]);
    }
    expect(all.find(([id]) => id === 'AlertsTopic')?.[1].Type).toBe('AWS::SNS::Topic');
  });
});
