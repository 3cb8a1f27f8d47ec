import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../support/cli.js';
import { stack } from '../support/stack.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fenced sh blocks README.md marks with `<!-- readme-test -->`: samples promised to run as written. */
function markedSamples(): string[] {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  return [...readme.matchAll(/<!-- readme-test -->\n```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

describe('README samples', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-readme-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has samples marked to run', () => {
    expect(markedSamples().length).toBeGreaterThan(0);
  });

  it.each(markedSamples().map((sample, index) => [index + 1, sample] as const))('runs marked sample %i as written against the local stack', async (_, sample) => {
    // The README speaks of `npm run dev` on port 4510; the test stack has its own ports and file.
    const stackFile = path.join(dir, 'stack.json');
    fs.writeFileSync(stackFile, JSON.stringify(stack()));
    const script = sample.replaceAll('localhost:4510', new URL(stack().apiUrl).host);

    const result = await runProcess('bash', ['-euo', 'pipefail', '-c', script], { ...process.env, LANEPAY_STACK_FILE: stackFile });

    expect(result.code, `stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).toBe(0);
    expect(result.stdout).toContain('"object":"payment"');
    expect(result.stdout).toContain('"status":"processing"');
  }, 120_000);
});
