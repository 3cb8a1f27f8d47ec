/**
 * `npm run deploy:check`: packages the prod stage for a commercial and a China region exactly as a
 * deploy would, then lints each generated CloudFormation template with cfn-lint (installed by pip
 * into the cache) and checks its rate limits and each function role's DynamoDB rights against
 * docs/security.md. Needs no AWS credentials.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { StackError } from './stack/errors.js';
import { installTools } from './stack/install.js';
import { rightsDifferences } from './stack/dynamodb-rights.js';
import { exampleChainRegistry, type PackagedTemplate } from './stack/packaged-template.js';
import { rateLimitProblems, type Template } from './stack/rate-limit-checks.js';

const regions = ['us-east-1', 'cn-north-1'];

/** The prod stage's limits in infra/settings.yml, which the packaged template must carry. */
function prodLimits() {
  const prod = (parse(fs.readFileSync('infra/settings.yml', 'utf8'), { merge: true }) as Record<string, Record<string, number>>).prod!;
  return {
    stage: { rateLimit: prod.stageRateLimit!, burstLimit: prod.stageBurstLimit! },
    merchant: { rateLimit: prod.merchantRateLimit!, burstLimit: prod.merchantBurstLimit! },
  };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new StackError(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

async function main() {
  const tools = await installTools((line) => console.log(line));
  run('node', ['esbuild.config.mjs']);
  let failed = false;
  for (const region of regions) {
    const out = path.join('.local', 'deploy-check', region);
    fs.rmSync(out, { recursive: true, force: true });
    run('node', ['node_modules/serverless/bin/serverless.js', 'package', '--stage', 'prod', '--region', region, '--package', out], {
      ...process.env,
      LANEPAY_CHAIN_REGISTRY: process.env.LANEPAY_CHAIN_REGISTRY ?? exampleChainRegistry,
      // Packaging resolves no credentials, but the SDK inside osls insists on a region.
      AWS_REGION: region,
    });
    const template = path.join(out, 'cloudformation-template-update-stack.json');
    const lint = spawnSync(tools.cfnLint, ['-c', 'import sys; from cfnlint.runner import main; sys.exit(main())', '--regions', region,
      // W3005 (redundant DependsOn) comes from the framework's generated resources, not from infra/.
      '--ignore-checks', 'W3005', '--format', 'parseable', '--', template], { encoding: 'utf8' });
    const findings = `${lint.stdout}${lint.stderr}`.trim();
    const errors = findings.split('\n').filter((line) => /:E\d+:/.test(line));
    const zips = fs.readdirSync(out).filter((file) => file.endsWith('.zip'));
    console.log(`${region}: packaged ${zips.length} functions; cfn-lint ${errors.length} errors, ${findings ? findings.split('\n').length - errors.length : 0} warnings`);
    if (findings) console.log(findings);
    // cfn-lint's exit code is a bit field: 2 errors, 4 warnings, 8 informational; 1 means it crashed.
    if (lint.status === null || (lint.status & 0b11) !== 0) failed = true;
    const limits = rateLimitProblems(JSON.parse(fs.readFileSync(template, 'utf8')) as Template, prodLimits());
    for (const problem of limits) console.log(`${region}: rate limits: ${problem}`);
    if (limits.length > 0) failed = true;
    // Each function role's DynamoDB rights against docs/security.md (test/unit/aws/role-rights.test.ts).
    const rights = rightsDifferences(JSON.parse(fs.readFileSync(template, 'utf8')) as PackagedTemplate, fs.readFileSync('docs/security.md', 'utf8'));
    for (const difference of rights) console.log(`${region}: DynamoDB rights: ${difference}`);
    if (rights.length > 0) failed = true;
  }
  if (failed) throw new StackError('cfn-lint, the rate-limit or the DynamoDB rights check reported errors (above).');
  console.log('deploy check passed');
}

main().catch((error: unknown) => {
  console.error(error instanceof StackError ? error.message : error);
  process.exit(1);
});
