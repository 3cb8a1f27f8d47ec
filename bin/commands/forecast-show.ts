import { readForecasts } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { describeForecast } from '../forecast/format.js';
import { json, stageDeps } from '../stage.js';

export default defineCommand({
  name: 'forecast show',
  description: 'The latest forecast (48 h, 80/95 % intervals) and liquidity plan per chain and asset',
  options: {
    chain: { type: 'string', placeholder: 'name', description: 'one chain (default: all)' },
    hours: { type: 'string', default: '48', placeholder: 'n', description: 'hours of the forecast to list' },
    json: { type: 'boolean', default: false, description: 'prints JSON instead of a table' },
  },
  async run({ stage, values, print }) {
    if (!/^\d+$/.test(values.hours) || Number(values.hours) < 1) throw new StackError(`--hours ${JSON.stringify(values.hours)} must be a whole number ≥ 1.`);
    const deps = stageDeps(stage);
    try {
      const forecasts = await readForecasts(deps, values.chain);
      if (forecasts.length === 0) {
        throw new StackError(`No forecast yet${values.chain ? ` for chain ${values.chain}` : ''}: forecast-batch writes one per chain on its schedule, once the chain has two days of payouts (locally: \`lanepay forecast seed --chain <name>\`).`);
      }
      print(values.json ? json(forecasts.map((f) => f.record)) : forecasts.map((f) => describeForecast(f.record, Number(values.hours))).join('\n\n'));
      return 0;
    } finally {
      deps.dynamodb.destroy();
      deps.kms.destroy();
    }
  },
});
