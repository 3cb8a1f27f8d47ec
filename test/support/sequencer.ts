import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest, longest first: started first, they run beside the many short ones
// on the other workers instead of alone at the end (in a full run the first few take 1.5-2 minutes each,
// mostly waiting on schedules, blocks and expiries). A clean clone has no duration cache for
// vitest's own ordering to go by.
const slowFirst = [
  'forecast/forecast-job', 'e2e/checkout-page', 'e2e/webhooks', 'pay-ins/deposits',
  'audit/audit-log', 'integration/triggers', 'e2e/approvals', 'e2e/kyc', 'payouts/faults',
];

// A burst that fills the local queues and the stream relay for most of a minute (100 payouts at once):
// run beside the slow-first files it delayed other tests' payouts by over 30 s (webhooks.test.ts waits
// 40 s for one). Last, it shares the stack with the suite's short tail instead.
const last = ['e2e/payout-pipeline'];

function rank(file: TestSpecification): number {
  if (last.some((part) => file.moduleId.includes(part))) return slowFirst.length + 1;
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
