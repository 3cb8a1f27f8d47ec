import { LanepayError } from '#platform';

/** No console session, or one that ended (signed out, expired, tampered with, its member revoked). */
export class SessionRequiredError extends LanepayError<'session_required'> {
  override name = 'SessionRequiredError';
  constructor(detail = 'Sign in to the console first: no valid session came with this request.') {
    super('session_required', detail);
  }
}

/** A console write without the session's CSRF token in X-CSRF-Token, or with another one. */
export class CsrfTokenError extends LanepayError<'csrf_token_invalid'> {
  override name = 'CsrfTokenError';
  constructor() {
    super('csrf_token_invalid', 'Send the session\'s csrf_token (from the sign-in answer or GET /console/session) in the X-CSRF-Token header.');
  }
}

/** A passkey ceremony that does not verify: unknown credential, spent or expired challenge, wrong origin, bad signature or counter. */
export class PasskeyInvalidError extends LanepayError<'passkey_invalid'> {
  override name = 'PasskeyInvalidError';
  constructor(detail: string, options?: ErrorOptions) {
    super('passkey_invalid', detail, options);
  }
}

/** A console session calling a route its member's role may not call (api/http/console-routes.ts). */
export class RoleForbiddenError extends LanepayError<'role_forbidden'> {
  override name = 'RoleForbiddenError';
  constructor(readonly requiredRole: string | null, role: string) {
    super(
      'role_forbidden',
      requiredRole === null ? 'No console session may call this route.' : `This route needs the role ${requiredRole}; this member is a ${role}.`,
      { extensions: { required_role: requiredRole } },
    );
  }
}
