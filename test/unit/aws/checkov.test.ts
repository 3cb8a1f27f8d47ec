import { describe, expect, it } from 'vitest';
import { runCheckov } from '../../../scripts/stack/checkov.js';
import { ensureCheckov } from '../../../scripts/stack/install.js';
import { packagedTemplatePath } from '../../../scripts/stack/packaged-template.js';

// An outside scanner on what a deploy sends: the packaged prod template (osls's generated resources
// included). The first run installs the pinned Checkov into the cache (~2 min, once per machine).
describe('Checkov on the packaged prod template', () => {
  it('finds no failed check: each one passes or is suppressed in its resource with the reason', async () => {
    const python = await ensureCheckov((line) => console.log(line));
    const template = packagedTemplatePath();

    const report = runCheckov(python, template);

    console.log(`checkov ${report.version}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} suppressed (${report.seconds.toFixed(1)} s)`);
    expect(report.failures.map((failure) => `${failure.id} ${failure.resource}: ${failure.name}`)).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.unexplainedSkips).toEqual([]);
    expect(report.passed).toBeGreaterThan(0);
  }, 600_000);
});
