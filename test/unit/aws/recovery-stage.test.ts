import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// The drill's recovery stack runs beside the source stack (docs/dr.md, docs/security.md "Disaster-recovery
// drill"): every trigger of a function that may sign on chain must be off in it, or it would pay twice.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const readYaml = (file: string) => parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'), { merge: true }) as Record<string, any>;
const yamlFiles = (dir: string) => fs.readdirSync(path.join(repoRoot, dir)).filter((f) => f.endsWith('.yml')).map((f) => `${dir}/${f}`);
const gate = '${self:custom.settings.onChainTriggers, true}';

const roles: Record<string, { Properties?: { Path?: string; Policies?: { PolicyDocument: { Statement: { Action: string | string[]; Resource?: unknown }[] } }[] } }> = {};
for (const file of yamlFiles('infra')) {
  for (const [id, resource] of Object.entries((readYaml(file).Resources ?? {}) as Record<string, any>)) if (resource.Type === 'AWS::IAM::Role') roles[id] = resource;
}

/** A role may sign on chain when the hot-wallet key policy lets it (its path) or it may sign with the anchor key. */
function signsOnChain(roleId: string): boolean {
  const role = roles[roleId];
  if (role === undefined) throw new Error(`role ${roleId} is in no infra/*.yml`);
  if (role.Properties?.Path === '/lanepay-${sls:stage}/functions/chain/') return true;
  return (role.Properties?.Policies ?? []).some((policy) => policy.PolicyDocument.Statement.some((statement) =>
    [statement.Action].flat().includes('kms:Sign') && JSON.stringify(statement.Resource ?? '').includes('AuditAnchorKey')));
}

const functions: { name: string; role: string; events: Record<string, any>[] }[] = [];
for (const file of yamlFiles('functions')) {
  for (const [name, fn] of Object.entries(readYaml(file) as Record<string, { role: string; events?: Record<string, any>[] }>)) {
    functions.push({ name, role: fn.role, events: fn.events ?? [] });
  }
}

describe('the recovery stage of `lanepay dr drill` never acts on chain', () => {
  const onChain = functions.filter((fn) => signsOnChain(fn.role));

  it('finds exactly the functions that may sign on chain: chain-submit, chain-check and audit-anchor', () => {
    expect(onChain.map((fn) => fn.name).sort()).toEqual(['audit-anchor', 'chain-check', 'chain-submit']);
  });

  it('gates every queue, stream and schedule trigger of those functions on onChainTriggers', () => {
    const triggers = onChain.flatMap((fn) => fn.events.map((event) => ({ fn: fn.name, kind: Object.keys(event)[0]!, enabled: Object.values(event)[0]?.enabled })));
    expect(triggers.filter((t) => t.kind === 'http' || t.kind === 'websocket')).toEqual([]);
    expect(triggers.map((t) => `${t.fn} ${t.kind} ${t.enabled}`).sort()).toEqual([
      `audit-anchor schedule ${gate}`, `chain-check sqs ${gate}`, `chain-submit sqs ${gate}`,
    ]);
  });

  it('turns onChainTriggers off in the drill stage only, which recovers the local stage', () => {
    const stages = readYaml('infra/settings.yml') as Record<string, Record<string, unknown>>;
    expect(Object.entries(stages).filter(([, settings]) => settings.onChainTriggers === false).map(([stage]) => stage)).toEqual(['drill']);
    expect(stages.drill).toMatchObject({ recoveryOf: 'local', reconcileOlderThanSeconds: 0 });
    const targets = (readYaml('serverless.yml').custom as { targets: Record<string, string> }).targets;
    expect(targets.drill).toBe('local');
  });
});
