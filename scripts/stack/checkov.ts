/**
 * Checkov, an outside scanner, on a packaged CloudFormation template: every check it runs either
 * passes, or is suppressed in the resource's Metadata with the reason (`checkov: skip: [{id, comment}]`),
 * or is a failure to fix. Nothing is downloaded at scan time (--skip-download): the checks are the
 * pinned version's own (scripts/stack/cache.ts).
 */
import { spawnSync } from 'node:child_process';
import { StackError } from './errors.js';

export interface CheckovFinding {
  id: string;
  name: string;
  resource: string;
}

export interface CheckovReport {
  passed: number;
  failed: number;
  skipped: number;
  failures: CheckovFinding[];
  /** Suppressions whose comment is empty: a skip must say why. */
  unexplainedSkips: CheckovFinding[];
  version: string;
  seconds: number;
}

type Check = { check_id: string; check_name?: string; resource: string; check_result?: { result: string; suppress_comment?: string } };
type Output = {
  check_type: string;
  results: { passed_checks: Check[]; failed_checks: Check[]; skipped_checks: Check[] };
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number; checkov_version: string };
};

const finding = (check: Check): CheckovFinding => ({ id: check.check_id, name: check.check_name ?? '', resource: check.resource });

/** Scans `templatePath` with the checkov of `python` (ensureCheckov) and sums its CloudFormation results. */
export function runCheckov(python: string, templatePath: string): CheckovReport {
  const started = Date.now();
  const result = spawnSync(python, ['-m', 'checkov.main', '--file', templatePath, '--framework', 'cloudformation', '--output', 'json', '--skip-download', '--compact'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // No telemetry, no platform calls; checkov's own defaults otherwise.
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false', ANONYMOUS_TELEMETRY: 'false' },
  });
  const seconds = (Date.now() - started) / 1000;
  // Exit 1 means "failed checks"; anything else but 0 is checkov itself failing.
  if (result.status !== 0 && result.status !== 1) throw new StackError(`checkov failed (exit ${result.status}):\n${result.stderr}\n${result.stdout.slice(0, 2000)}`);
  let parsed: Output | Output[];
  try {
    parsed = JSON.parse(result.stdout) as Output | Output[];
  } catch (error) {
    throw new StackError(`checkov printed no JSON report:\n${result.stderr}\n${result.stdout.slice(0, 2000)}`, { cause: error });
  }
  const outputs = [parsed].flat();
  const failures = outputs.flatMap((output) => output.results.failed_checks.map(finding));
  const skips = outputs.flatMap((output) => output.results.skipped_checks);
  const parsingErrors = outputs.reduce((sum, output) => sum + output.summary.parsing_errors, 0);
  if (parsingErrors > 0) throw new StackError(`checkov could not parse ${templatePath} (${parsingErrors} parsing errors)`);
  return {
    passed: outputs.reduce((sum, output) => sum + output.summary.passed, 0),
    failed: outputs.reduce((sum, output) => sum + output.summary.failed, 0),
    skipped: outputs.reduce((sum, output) => sum + output.summary.skipped, 0),
    failures,
    unexplainedSkips: skips.filter((check) => !check.check_result?.suppress_comment?.trim()).map(finding),
    version: outputs[0]?.summary.checkov_version ?? 'unknown',
    seconds,
  };
}
