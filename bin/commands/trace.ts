import { buildTimeline, formatTimeline, idTimeMs, objectKeyOf } from '#platform';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, readLocalStack } from '../stage.js';
import { awsTraceLogs, localTraceLogs } from '../trace/read-logs.js';

// On AWS the search starts at the object's creation (its id's time) and looks this far on.
const awsSearchMs = 7 * 24 * 3_600_000;

export default defineCommand({
  name: 'trace',
  description: 'One timeline of a payment or charge (pay_… | ch_…): each function invocation, queue wait, chain transaction and webhook delivery',
  options: {
    json: { type: 'boolean', default: false, description: 'prints JSON instead of a table' },
  },
  async run({ stage, values, positionals, print }) {
    const objectId = positionals[0];
    if (!objectId || !objectKeyOf(objectId) || !/^(pay|ch)_[0-9a-z]{26}$/.test(objectId)) {
      throw new StackError('Usage: lanepay trace <pay_…|ch_…> (a payment or charge id).');
    }
    // Locally the stack's function log; on AWS CloudWatch Logs Insights over the functions' log groups.
    const createdAtMs = idTimeMs(objectId);
    const logs = stage === 'local'
      ? await localTraceLogs(readLocalStack(), objectId)
      : await awsTraceLogs(stage, objectId, createdAtMs - 60_000, Math.min(Date.now(), createdAtMs + awsSearchMs));
    const timeline = buildTimeline(objectId, logs.lines, logs.reports);
    print(values.json ? json(timeline) : formatTimeline(timeline));
    return timeline.rows.length > 0 ? 0 : 1;
  },
});
