import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with the slowest test files (so a regression in the suite's time shows in every
 * run's output) and a plain `N passed, N failed` line, which CI reads whatever the test runner.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    // An error outside any test (a broken setup, a crash) fails the run: count it.
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
    }
    printDurations(testModules);
    console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  }
}

function printDurations(testModules: ReadonlyArray<TestModule>, shown = 15): void {
  const rows = testModules
    .map((module) => ({ file: module.relativeModuleId, ms: module.diagnostic().duration }))
    .sort((a, b) => b.ms - a.ms);
  if (rows.length === 0) return;
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  console.log(`\nSlowest test files (of ${rows.length}; ${(total / 1000).toFixed(0)} s summed across workers):`);
  for (const row of rows.slice(0, shown)) console.log(`${(row.ms / 1000).toFixed(1).padStart(7)} s  ${row.file}`);
}
