import type { LanepayError } from '#platform';
import type { ErrorCode } from './error-codes.js';

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

interface ProblemType {
  status: number;
  title: string;
  /**
   * Raised only by lib code the operator's CLI runs (`lanepay balance credit`, `kyc resolve`, ...):
   * given a status all the same, for a route that may call it one day, but not listed in the
   * merchant API's document.
   */
  operatorOnly?: true;
  /**
   * Raised only for console sessions (the console's own routes, and a session's role on /v1): not a
   * merchant API caller's answer, so not in its document either (docs/console.md).
   */
  consoleOnly?: true;
}

/**
 * Codes raised where no HTTP caller meets them: workers (chains, payouts, the outbox replay), the
 * CLI (forecasts), WebSocket error frames. One reaching the HTTP edge would be a bug, answered as
 * any bug is (500 `internal_error`, logged).
 */
const notHttp = 'not_http';

/**
 * The one table that turns error classes, by their code, into HTTP. It must name every code of
 * every errors module (ErrorCode), and only those: a new refusal does not compile until it is
 * decided how callers see it.
 */
const problemTypes = {
  // platform (lib/platform/errors, api/http, lib/platform/idempotency)
  validation_error: { status: 400, title: 'Invalid request' },
  invalid_json: { status: 400, title: 'Body is not valid JSON' },
  body_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  not_found: { status: 404, title: 'Not found' },
  try_again: { status: 503, title: 'Busy, try again' },
  rate_limited: { status: 429, title: 'Too many requests' },
  concurrent_change: { status: 409, title: 'Changed while the request ran' },
  idempotency_key_in_use: { status: 409, title: 'Idempotency key in use' },
  idempotency_error: { status: 422, title: 'Idempotency key reused with a different request' },
  // payments
  payment_not_capturable: { status: 409, title: 'Payment cannot be captured' },
  payment_not_cancelable: { status: 409, title: 'Payment cannot be canceled' },
  authorization_expired: { status: 409, title: 'Authorization expired' },
  capture_exceeds_authorized: { status: 409, title: 'Capture amount exceeds the authorized amount' },
  payment_declined: { status: 402, title: 'Payment declined' },
  // charges
  charge_not_cancelable: { status: 409, title: 'Charge cannot be canceled' },
  // refunds
  refund_exceeds_charge: { status: 409, title: 'Refund exceeds what the charge credited' },
  charge_not_refundable: { status: 409, title: 'Nothing of the charge was credited' },
  no_excess: { status: 409, title: 'The charge has no excess to refund' },
  refund_declined: { status: 402, title: 'Refund declined' },
  refund_awaits_claim: { status: 409, title: 'The refund waits for its payer\'s claim' },
  // refund claims (public claim pages)
  // 403: the request is well formed; the signature does not give it the right to name this address.
  claim_signature_invalid: { status: 403, title: 'The signature is not the address\'s signature of the claim' },
  claim_already_used: { status: 409, title: 'The claim was used already' },
  claim_expired: { status: 410, title: 'The claim expired' },
  claim_not_open: { status: 409, title: 'The claim cannot be claimed now' },
  // statements
  statement_too_large: { status: 422, title: 'Statement too large for one response' },
  statement_window_invalid: { status: 422, title: 'Not a window a statement covers' },
  // ledger
  transfer_exists: { status: 409, title: 'Transfer exists already', operatorOnly: true },
  forbidden_on_stage: { status: 403, title: 'Not allowed on this stage', operatorOnly: true },
  // merchants
  usage_plan_missing: { status: 409, title: 'No usage plan for this stage', operatorOnly: true },
  platform_only: { status: 403, title: 'Only the platform merchant may call this route' },
  // webhooks
  limit_exceeded: { status: 409, title: 'Limit reached' },
  // customers
  customer_in_review: { status: 409, title: 'Customer in review' },
  customer_rejected: { status: 409, title: 'Customer rejected' },
  verification_processing: { status: 409, title: 'A verification is still processing' },
  customer_erasing: { status: 409, title: "Customer's personal data being erased" },
  kyc_review: { status: 409, title: 'Customer in KYC review' },
  kyc_rejected: { status: 409, title: 'Customer rejected by KYC' },
  verification_not_resolvable: { status: 409, title: 'Verification cannot be resolved' },
  pii_erased: { status: 410, title: "Customer's personal data erased" },
  // members
  otp_required: { status: 401, title: 'One-time code required' },
  otp_invalid: { status: 401, title: 'Wrong one-time code' },
  otp_replayed: { status: 401, title: 'One-time code already used' },
  member_locked: { status: 423, title: 'Member locked' },
  member_exists: { status: 409, title: 'Member already exists' },
  // Bound by the operator's CLI only (lanepay member add --owner): no route binds an owner.
  treasury_owner_taken: notHttp,
  treasury_owner_unknown: notHttp,
  treasury_other_merchant: notHttp,
  // console sessions (lib/merchants/sessions)
  session_required: { status: 401, title: 'Console session required', consoleOnly: true },
  csrf_token_invalid: { status: 403, title: 'CSRF token missing or wrong', consoleOnly: true },
  passkey_invalid: { status: 401, title: 'Passkey not accepted', consoleOnly: true },
  role_forbidden: { status: 403, title: "The member's role may not do this", consoleOnly: true },
  // approvals
  self_approval: { status: 403, title: 'Requester cannot decide their own request' },
  already_approved: { status: 409, title: 'Already approved by this member' },
  approval_decided: { status: 409, title: 'Approval already decided' },
  policy_unsatisfiable: { status: 409, title: 'The approval policy would ask more than the active members can give' },
  change_mismatch: { status: 409, title: 'The stored change does not match its recorded hash' },
  member_revoked: { status: 403, title: 'Member revoked' },
  member_not_eligible: { status: 403, title: 'Member added after the request' },
  own_revocation: { status: 403, title: 'A member cannot decide their own revocation' },
  member_already_revoked: { status: 409, title: 'Member already revoked' },
  member_not_treasury_owner: { status: 403, title: 'Only treasury owners decide treasury transfers' },
  treasury_rule_missing: notHttp,
  treasury_not_configured: { status: 409, title: 'This stage has no treasury' },
  treasury_platform_only: { status: 403, title: 'The treasury belongs to the platform merchant' },
  treasury_approvals_below_threshold: { status: 409, title: "The treasury rule asks fewer approvals than the Safe's threshold" },
  // workers and the CLI
  chain_unavailable: notHttp,
  destination_rejected: notHttp,
  broadcast_rejected: notHttp,
  rotation_refused: notHttp,
  stream_range_gone: notHttp,
  forecast_options_invalid: notHttp,
  forecast_csv_invalid: notHttp,
  shock_syntax: notHttp,
  liquidity_input_invalid: notHttp,
  treasury_transfer_step_refused: notHttp,
  treasury_proposal_open: notHttp,
  treasury_safe_tx_mismatch: notHttp,
  rebalance_input_invalid: notHttp,
  // Booked by the operator's CLI and the local stack only (lanepay treasury fund): no route books funding.
  treasury_funding_no_treasury: notHttp,
  treasury_funding_tx_not_found: notHttp,
  treasury_funding_tx_reverted: notHttp,
  treasury_funding_not_final: notHttp,
  treasury_funding_not_to_treasury: notHttp,
  treasury_funding_not_to_hot_wallet: notHttp,
  treasury_funding_own_transaction: notHttp,
  // WebSocket error frames (lib/notify/realtime/messages.ts)
  outside_token_scope: notHttp,
  payment_not_found: notHttp,
  charge_not_found: notHttp,
  too_many_subscriptions: notHttp,
  not_connected: notHttp,
  message_too_large: notHttp,
} as const satisfies Record<ErrorCode, ProblemType | typeof notHttp>;

/** How callers see `code` over HTTP; undefined for a code no HTTP route raises, or one outside ErrorCode. */
function problemTypeOf(code: string): ProblemType | undefined {
  if (!Object.hasOwn(problemTypes, code)) return undefined;
  const type: ProblemType | typeof notHttp = problemTypes[code as ErrorCode];
  return type === notHttp ? undefined : type;
}

export function problemFor(error: LanepayError, instance?: string): Problem {
  const known = problemTypeOf(error.code);
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

/** Every code the merchant API answers with, and its status, for the OpenAPI document. */
export function httpProblemCodes(): { code: ErrorCode; status: number; title: string }[] {
  return (Object.entries(problemTypes) as [ErrorCode, ProblemType | typeof notHttp][])
    .flatMap(([code, type]) => (type === notHttp || type.operatorOnly || type.consoleOnly ? [] : [{ code, status: type.status, title: type.title }]));
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
