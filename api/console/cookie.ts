/**
 * The console's session cookie. `__Host-` makes the browser refuse it unless it is Secure, has
 * Path=/ and no Domain (no other host, not even a subdomain, can set or shadow it); HttpOnly keeps it
 * from scripts; SameSite=Strict keeps it off every request another site starts. No Max-Age: the
 * session's own expiry (idle and absolute, in the table) decides, and closing the browser drops it.
 */
export const sessionCookieName = '__Host-lanepay_console';

export function sessionCookie(token: string): string {
  return `${sessionCookieName}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}

/** Clears the cookie (sign-out, or a session found dead). */
export function clearedSessionCookie(): string {
  return `${sessionCookieName}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
}

/** The session token in a Cookie header, or undefined. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === sessionCookieName) return part.slice(at + 1).trim() || undefined;
  }
  return undefined;
}
