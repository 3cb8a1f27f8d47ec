import { revokeMemberUnderPolicy } from '#merchants';
import { heldNotice, refusal, requestedByOption } from '../approval-hold.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, stageDeps } from '../stage.js';

export default defineCommand({
  name: 'member revoke',
  description: 'Revokes a member: its key is refused (within the authorizer cache\'s 60 s) and its pending approvals stop counting; held for approval if the policy says so',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the member\'s merchant (required)' },
    member: { type: 'string', placeholder: 'mem_...', description: 'the member to revoke (required)' },
    ...requestedByOption,
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const memberId = requiredOption(values.member, 'member', 'mem_01j...');
    let result;
    try {
      result = await revokeMemberUnderPolicy(stageDeps(stage), { merchantId, memberId, requestedByMember: values['requested-by'] });
    } catch (error) {
      throw refusal(error);
    }
    print(json(result));
    if (result.approval) {
      console.error(heldNotice(result.approval));
      return 0;
    }
    console.error('Revoked. Its decisions are refused now; API Gateway caches authorizer results for up to 60 s, so listing with its key may work for up to a minute.');
    return 0;
  },
});
