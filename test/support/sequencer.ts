import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest, longest first: started first, they run beside the many short ones
// on the other worker instead of alone at the end (the forecast job and webhook files take about a minute each).
// A clean clone has no duration cache for vitest's own ordering to go by.
const slowFirst = ['forecast/forecast-job', 'e2e/webhooks', 'integration/triggers', 'e2e/payout-pipeline', 'payouts/faults'];

function rank(file: TestSpecification): number {
  const index = slowFirst.findIndex((part) => file.moduleId.includes(part));
  return index === -1 ? slowFirst.length : index;
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const position = new Map(sorted.map((file, index) => [file, index]));
    return [...sorted].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        rank(a) - rank(b) ||
        position.get(a)! - position.get(b)!,
    );
  }
}
