import { defineCommand } from '../command.js';
import { reportRow, type SloConfig, type SloReportRow } from '#platform';
import { awsSloTallies } from '../slo/cloudwatch.js';
import { localSloTallies } from '../slo/local-log.js';
import { sloConfig } from '../slo/config.js';
import { durationOption, json, readLocalStack } from '../stage.js';

export default defineCommand({
  name: 'slo report',
  description: 'Each SLO (infra/slos.json) over a window: its events, good share, error budget spent and top causes',
  options: {
    window: { type: 'string', placeholder: '28d|6h|30m', description: 'how far back (default: the SLOs\' window, 28d)' },
    json: { type: 'boolean', default: false, description: 'prints JSON instead of a table' },
  },
  async run({ stage, values, print }) {
    const config = sloConfig();
    const windowText = values.window ?? `${config.windowDays}d`;
    const windowMs = durationOption(windowText, 'window');
    const untilMs = Date.now();
    // Locally the functions' EMF lines in the stack's log; on AWS the same metrics in CloudWatch.
    const tallies = stage === 'local'
      ? await localSloTallies(config, readLocalStack(), untilMs - windowMs, untilMs)
      : await awsSloTallies(config, stage, untilMs - windowMs, untilMs);
    const rows = config.slos.map((slo) => reportRow(slo, tallies.get(slo.id)!));
    print(values.json ? json({ window: windowText, from: new Date(untilMs - windowMs).toISOString(), until: new Date(untilMs).toISOString(), slos: rows }) : table(config, windowText, rows));
    return 0;
  },
});

function table(config: SloConfig, windowText: string, rows: SloReportRow[]): string {
  const header = ['SLO', 'objective', 'events', 'bad', 'good', 'budget spent', 'top causes'];
  const lines = rows.map((row) => [
    row.id,
    `${row.objective} %`,
    String(row.events),
    String(row.bad),
    row.sli === null ? '—' : `${row.sli} %`,
    row.events === 0 ? '—' : `${row.budgetSpent} %${row.budgetSpent > 100 ? ' (missed)' : ''}`,
    row.topCauses.map((c) => `${c.cause} ×${c.events}`).join(', ') || '—',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`SLOs over the last ${windowText} (objectives over ${config.windowDays} days, docs/slo.md)`, format(header), ...lines.map(format)].join('\n');
}
