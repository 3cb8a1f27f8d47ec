import { LanepayError } from '../errors/index.js';

/** RFC 9457 problem details, with Lanepay's stable machine `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

const typeBase = 'https://lanepay.dev/problems/';

/**
 * The one table that turns domain error codes into HTTP. A code missing here is a 500 on purpose:
 * it means a new refusal was added without deciding how callers see it.
 */
const statusByCode: Record<string, { status: number; title: string }> = {
  validation_error: { status: 400, title: 'Invalid request' },
  invalid_json: { status: 400, title: 'Body is not valid JSON' },
  body_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  idempotency_key_in_use: { status: 409, title: 'Idempotency key in use' },
  invalid_state: { status: 409, title: 'Payment is not in a state that allows this' },
  capture_exceeds_authorized: { status: 409, title: 'Capture amount exceeds the authorized amount' },
  idempotency_error: { status: 422, title: 'Idempotency key reused with a different request' },
  insufficient_funds: { status: 402, title: 'Insufficient funds' },
  payment_declined: { status: 402, title: 'Payment declined' },
  forbidden_on_stage: { status: 403, title: 'Not allowed on this stage' },
  try_again: { status: 503, title: 'Busy, try again' },
  limit_exceeded: { status: 409, title: 'Limit reached' },
  rate_limited: { status: 429, title: 'Too many requests' },
  concurrent_change: { status: 409, title: 'Changed while the request ran' },
  customer_in_review: { status: 409, title: 'Customer in review' },
  customer_rejected: { status: 409, title: 'Customer rejected' },
  verification_processing: { status: 409, title: 'A verification is still processing' },
  customer_erasing: { status: 409, title: "Customer's personal data being erased" },
  kyc_review: { status: 409, title: 'Customer in KYC review' },
  kyc_rejected: { status: 409, title: 'Customer rejected by KYC' },
  otp_required: { status: 401, title: 'One-time code required' },
  otp_invalid: { status: 401, title: 'Wrong one-time code' },
  otp_replayed: { status: 401, title: 'One-time code already used' },
  member_locked: { status: 423, title: 'Member locked' },
  member_exists: { status: 409, title: 'Member already exists' },
  self_approval: { status: 403, title: 'Requester cannot decide their own request' },
  already_approved: { status: 409, title: 'Already approved by this member' },
  approval_decided: { status: 409, title: 'Approval already decided' },
  policy_unsatisfiable: { status: 409, title: 'The approval policy would ask more than the active members can give' },
  change_mismatch: { status: 409, title: 'The stored change does not match its recorded hash' },
  member_revoked: { status: 403, title: 'Member revoked' },
  member_not_eligible: { status: 403, title: 'Member added after the request' },
  own_revocation: { status: 403, title: 'A member cannot decide their own revocation' },
  member_already_revoked: { status: 409, title: 'Member already revoked' },
};

export function problemFor(error: LanepayError, instance?: string): Problem {
  const known = statusByCode[error.code];
  if (!known) return internalProblem(instance);
  return {
    type: `${typeBase}${error.code}`,
    title: known.title,
    status: known.status,
    detail: error.detail,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...error.extensions,
  };
}

export function internalProblem(instance?: string): Problem {
  return {
    type: `${typeBase}internal_error`,
    title: 'Internal error',
    status: 500,
    detail: 'Something went wrong on our side. It has been logged; retrying with the same Idempotency-Key is safe.',
    code: 'internal_error',
    ...(instance ? { instance } : {}),
  };
}
