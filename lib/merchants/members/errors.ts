import { LanepayError } from '#platform';

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

/** Owner index `n` of the treasury is bound to another member: revoke that member first. */
export class TreasuryOwnerTakenError extends LanepayError<'treasury_owner_taken'> {
  override name = 'TreasuryOwnerTakenError';
  constructor(index: number, memberId: string | undefined) {
    super('treasury_owner_taken', `Treasury owner ${index} is bound to ${memberId ? `member ${memberId}` : 'another member'}; revoke that member before binding another to owner ${index}.`, { extensions: { owner: index } });
  }
}

/** A treasury owner, or a treasury rule, asked of a merchant that does not operate the platform: the treasury is the platform's. */
export class TreasuryPlatformOnlyError extends LanepayError<'treasury_platform_only'> {
  override name = 'TreasuryPlatformOnlyError';
  constructor(merchantId: string, what: string) {
    super('treasury_platform_only', `${what} is the platform's: ${merchantId} is not the platform merchant (lanepay merchant set-platform).`);
  }
}

/** An owner index the treasury's Safes do not have. */
export class TreasuryOwnerUnknownError extends LanepayError<'treasury_owner_unknown'> {
  override name = 'TreasuryOwnerUnknownError';
  constructor(index: number, owners: number) {
    super('treasury_owner_unknown', `The treasury has owner keys 1 to ${owners}; there is no owner ${index}.`, { extensions: { owner: index, owners } });
  }
}

/** The stage has no treasury: its chain registry names no Safe. */
export class TreasuryNotConfiguredError extends LanepayError<'treasury_not_configured'> {
  override name = 'TreasuryNotConfiguredError';
  constructor() {
    super('treasury_not_configured', 'This stage has no treasury: its chain registry names no Safe and no owners (docs/treasury.md).');
  }
}

/** The treasury's owners are another merchant's members: a stage has one treasury, and one platform merchant holds it. */
export class TreasuryOtherMerchantError extends LanepayError<'treasury_other_merchant'> {
  override name = 'TreasuryOtherMerchantError';
  constructor(merchantId: string, holder: string | undefined) {
    super('treasury_other_merchant', `The treasury's owners are members of ${holder ?? 'another merchant'}, not ${merchantId}: bind owners to members of that merchant.`);
  }
}
