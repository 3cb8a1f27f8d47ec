import { holdIfRequired } from '../../lib/approvals/hold.js';
import { approvalPolicySchema, mostApprovalsAsked } from '../../lib/approvals/policy.js';
import { PolicyNotSatisfiableError } from '../../lib/approvals/errors.js';
import { countMembers } from '../../lib/members/members.js';
import { getMerchantProfile, updateMerchantProfile } from '../../lib/merchants/merchants.js';
import { StackError } from '../../scripts/stack/errors.js';
import { heldNotice, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { describeZodError, json, requiredOption, stageDeps, userError } from '../stage.js';

const example = `'{"payouts":{"at_or_above":"1000000000","approvals":2}}'`;

export default defineCommand({
  name: 'approval-policy set',
  description: "Replaces a merchant's approval policy (docs/approvals.md); held for approval if the current policy says so",
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' },
    policy: { type: 'string', placeholder: 'json', description: `the policy, e.g. ${example} (required)` },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const text = requiredOption(values.policy, 'policy', example);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new StackError(`--policy is not JSON (${(error as Error).message}); quote it for your shell, e.g. --policy ${example}.`);
    }
    const parsed = approvalPolicySchema.safeParse(raw);
    if (!parsed.success) throw new StackError(describeZodError(parsed.error, '--policy'));
    const deps = stageDeps(stage);
    try {
      const members = await countMembers(deps, merchantId);
      const asked = mostApprovalsAsked(parsed.data);
      // The requester never approves, so a held request needs that many members besides them.
      if (asked > members) throw new PolicyNotSatisfiableError(asked, members);
      const merchant = await getMerchantProfile(deps, merchantId);
      const held = await holdIfRequired(deps, {
        merchant,
        change: { kind: 'approval_policy.set', policy: parsed.data },
        subject: null,
        details: { policy: parsed.data },
        requestedByMember: values['requested-by'],
      });
      if (held) {
        print(json(held));
        console.error(heldNotice(held));
        return 0;
      }
      const profile = await updateMerchantProfile(deps, merchantId, (current) => ({ ...current, approvals: parsed.data }));
      print(json({ merchant_id: merchantId, policy: profile.approvals }));
      return 0;
    } catch (error) {
      throw userError(error);
    }
  },
});
