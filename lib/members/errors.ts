import { LanepayError } from '../errors/index.js';

/** No `Lanepay-OTP` header on a request that needs one. */
export class OtpRequiredError extends LanepayError<'otp_required'> {
  override name = 'OtpRequiredError';
  constructor() {
    super('otp_required', 'Send the current 6-digit code of your authenticator app in the Lanepay-OTP header.');
  }
}

/** A wrong code; counts towards the lockout. */
export class OtpInvalidError extends LanepayError<'otp_invalid'> {
  override name = 'OtpInvalidError';
  constructor(readonly attemptsLeft: number) {
    super('otp_invalid', `The one-time code is wrong; ${attemptsLeft} more wrong code(s) lock this member for 15 minutes.`, { extensions: { attempts_left: attemptsLeft } });
  }
}

/** A code (or an older one) that was already used: each code is accepted once. */
export class OtpReplayedError extends LanepayError<'otp_replayed'> {
  override name = 'OtpReplayedError';
  constructor() {
    super('otp_replayed', 'This one-time code was already used; wait for the next code of your authenticator app.');
  }
}

/** Five wrong codes in a row: refused, right or wrong, until `lockedUntil`. */
export class MemberLockedError extends LanepayError<'member_locked'> {
  override name = 'MemberLockedError';
  constructor(readonly lockedUntil: string, readonly retryAfterSeconds: number) {
    super('member_locked', `Too many wrong one-time codes: this member is locked until ${lockedUntil}.`, { extensions: { locked_until: lockedUntil, retry_after: retryAfterSeconds } });
  }
}

export class MemberEmailTakenError extends LanepayError<'member_exists'> {
  override name = 'MemberEmailTakenError';
  constructor(email: string) {
    super('member_exists', `This merchant already has a member with the email ${email}.`);
  }
}
