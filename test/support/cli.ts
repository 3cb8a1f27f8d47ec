import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stack } from './stack.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The real `lanepay` CLI in a child process, pointed by LANEPAY_STACK_FILE at a copy of the test
 * stack's description (or at `stackFile` in the same folder). `cleanup` removes the folder.
 *
 * It runs the bundle an installed package runs (dist/cli/lanepay.mjs), which the stack's start
 * built from the current source: bin/lanepay.mjs in a checkout compiles the TypeScript with tsx on
 * every start, about 1.5 s of CPU per command against 0.2 s, and the suite runs dozens.
 */
export function cliAgainstTestStack() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-cli-test-'));
  fs.writeFileSync(path.join(dir, 'stack.json'), JSON.stringify(stack()));
  const run = (args: string[], stackFile = 'stack.json'): Promise<CliRun> =>
    runProcess(process.execPath, ['dist/cli/lanepay.mjs', ...args], { ...process.env, LANEPAY_STACK_FILE: path.join(dir, stackFile) });
  return { dir, run, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a command in the repository to its end, collecting its output. */
export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
