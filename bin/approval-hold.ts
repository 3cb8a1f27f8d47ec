import type { Approval } from '#merchants';
import { LanepayError } from '#platform';
import { StackError } from '../scripts/stack/errors.js';
import { userError } from './stage.js';

/** `--requested-by`: the member asking, who then cannot approve their own request. */
export const requestedByOption = {
  'requested-by': { type: 'string', placeholder: 'mem_...', description: 'the member asking, when the operator is one (they cannot approve it themselves)' },
} as const;

/** What a held change prints: the request to approve, and on stderr how. */
export function heldNotice(approval: Approval): string {
  return `Held for approval: ${approval.approvals_required} member(s) must approve ${approval.id} (POST /v1/approvals/${approval.id}/approve with a member key and Lanepay-OTP) before ${approval.expires_at}.`;
}

/** A refusal of a held change's command, its code first (as the API's problem `code`): `policy_unsatisfiable: …`. */
export function refusal(error: unknown): unknown {
  return error instanceof LanepayError ? new StackError(`${error.code}: ${error.detail}`, { cause: error }) : userError(error);
}
