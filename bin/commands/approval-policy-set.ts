import { approvalPolicySchema, setPolicyUnderPolicy } from '#merchants';
import { StackError } from '../../scripts/stack/errors.js';
import { heldNotice, refusal, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { describeZodError, json, requiredOption, stageDeps } from '../stage.js';
import { merchantOrPlatform, stageTreasury } from '../treasury.js';

const example = `'{"payouts":{"at_or_above":"1000000000","approvals":2}}'`;

export default defineCommand({
  name: 'approval-policy set',
  description: "Replaces a merchant's approval policy (docs/approvals.md); held for approval if the current policy says so",
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required unless --platform)' },
    platform: { type: 'boolean', default: false, description: 'the platform merchant that holds the treasury (its treasury rule: {"treasury":{"approvals":M}})' },
    policy: { type: 'string', placeholder: 'json', description: `the policy, e.g. ${example} (required)` },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const deps = stageDeps(stage);
    const merchantId = await merchantOrPlatform(deps, values);
    const text = requiredOption(values.policy, 'policy', example);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new StackError(`--policy is not JSON (${(error as Error).message}); quote it for your shell, e.g. --policy ${example}.`);
    }
    const parsed = approvalPolicySchema.safeParse(raw);
    if (!parsed.success) throw new StackError(describeZodError(parsed.error, '--policy'));
    let result;
    try {
      result = await setPolicyUnderPolicy({ ...deps, treasury: parsed.data.treasury ? stageTreasury(stage) : undefined }, { merchantId, policy: parsed.data, requestedByMember: values['requested-by'] });
    } catch (error) {
      throw refusal(error);
    }
    print(json(result));
    if ('object' in result) console.error(heldNotice(result));
    return 0;
  },
});
