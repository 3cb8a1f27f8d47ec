import { applyShocks, parseShocks, planLiquidity, readForecasts, ShockSyntaxError } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { tokens } from '../forecast/format.js';
import { json, requiredOption, stageDeps } from '../stage.js';

export default defineCommand({
  name: 'forecast scenario',
  description: 'Shortfall probability and top-up under flow shocks, e.g. --shock "x3@+2h/6h", from the latest simulation',
  options: {
    chain: { type: 'string', placeholder: 'name', description: 'the chain (required)' },
    asset: { type: 'string', default: 'USDC', placeholder: 'symbol' },
    shock: {
      type: 'string', multiple: true, placeholder: 'xF@+Sh/Dh',
      description: 'flows times F from S hours ahead for D hours; repeat or comma-separate, overlaps multiply (docs/forecast.md)',
    },
    json: { type: 'boolean', default: false, description: 'prints JSON' },
  },
  async run({ stage, values, print }) {
    const chain = requiredOption(values.chain, 'chain', 'local-a');
    if (!values.shock || values.shock.length === 0) throw new StackError('--shock is required, e.g. --shock "x3@+2h/6h" (flows three times higher from two hours ahead for six hours).');
    let shocks;
    try {
      shocks = parseShocks(values.shock);
    } catch (error) {
      if (error instanceof ShockSyntaxError) throw new StackError(error.message, { cause: error });
      throw error;
    }
    const deps = stageDeps(stage);
    try {
      const forecast = (await readForecasts(deps, chain)).find((f) => f.record.asset === values.asset);
      const plan = forecast?.record.plan;
      if (!forecast || !plan || forecast.leadPaths.length === 0) {
        throw new StackError(`No liquidity plan for ${chain} ${values.asset} yet: see \`lanepay forecast show --chain ${chain}\`.`);
      }
      // The same simulated paths the job planned on, shocked: only the lead time matters to a plan.
      const shocked = planLiquidity({ paths: applyShocks(forecast.leadPaths, shocks), leadTimeHours: plan.leadTimeHours, availableMinor: BigInt(plan.availableMinor), quantile: plan.quantile });
      const ignored = shocks.filter((shock) => shock.startHours >= plan.leadTimeHours);
      const result = {
        chain, asset: values.asset, forecast_generated_at: forecast.record.generatedAt, shocks: values.shock,
        lead_time_hours: plan.leadTimeHours, quantile: plan.quantile, available: tokens(plan.availableMinor, values.asset),
        baseline: { dry_probability: plan.dryProbability, required: tokens(plan.requiredMinor, values.asset), top_up: tokens(plan.topUpMinor, values.asset) },
        scenario: { dry_probability: shocked.dryProbability, required: tokens(shocked.requiredMinor, values.asset), top_up: tokens(shocked.topUpMinor, values.asset) },
      };
      if (values.json) {
        print(json(result));
        return 0;
      }
      const pct = (p: number) => `${(p * 100).toFixed(1)} %`;
      print([
        `${chain} ${values.asset}, forecast of ${result.forecast_generated_at}, ${forecast.leadPaths.length} simulated paths, lead time ${plan.leadTimeHours} h, ${result.available} available`,
        `  baseline  runs dry ${pct(plan.dryProbability).padStart(7)}  needs ${result.baseline.required} (q ${plan.quantile})  top up ${result.baseline.top_up}`,
        `  scenario  runs dry ${pct(shocked.dryProbability).padStart(7)}  needs ${result.scenario.required} (q ${plan.quantile})  top up ${result.scenario.top_up}`,
        ...(ignored.length > 0 ? [`  note: shock(s) starting at or after ${plan.leadTimeHours} h fall outside the lead time and change no plan`] : []),
      ].join('\n'));
      return 0;
    } finally {
      deps.dynamodb.destroy();
      deps.kms.destroy();
    }
  },
});
